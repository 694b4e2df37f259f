package ai.noether.core.inject;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.RunListing;
import ai.noether.api.logger.HistoryPlotter;
import ai.noether.api.logger.HistoryReader;
import ai.noether.api.logger.Terminal;
import ai.noether.api.spi.ConfigBinding;
import ai.noether.api.spi.FrameworkServices;
import ai.noether.api.tensor.SnapshotBuffers;
import ai.noether.core.checkpoint.StagedSnapshotBuffers;
import ai.noether.core.checkpoint.StagingBuffers;
import ai.noether.core.cli.ProcessTerminal;
import ai.noether.core.config.JacksonConfigBinding;
import ai.noether.core.history.JsonlHistoryReader;
import ai.noether.core.history.PngHistoryPlotter;
import ai.noether.core.layout.LocalRunListing;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The api services engine code reaches outside injection are core's, found through core's services
 * files; the process injector binds the same {@link ConfigBinding} for {@code @Inject}
 * constructors, and binds core's other api services (which {@link FrameworkServices} no longer
 * serves) once per injector.
 */
class FrameworkServicesTest {

  @Test
  void theEngineServicesAreServedByCore() {
    assertThat(FrameworkServices.get(ConfigBinding.class)).isInstanceOf(JacksonConfigBinding.class);
    assertThat(FrameworkServices.get(SnapshotBuffers.class))
        .isInstanceOf(StagedSnapshotBuffers.class);
  }

  @Test
  void servicesForInjectedCodeAreNoLongerServedOutsideInjection() {
    assertThat(FrameworkServices.find(Terminal.class)).isEmpty();
    assertThat(FrameworkServices.find(HistoryReader.class)).isEmpty();
    assertThat(FrameworkServices.find(HistoryPlotter.class)).isEmpty();
    assertThat(FrameworkServices.find(RunListing.class)).isEmpty();
  }

  @Test
  void theProcessInjectorBindsTheSameConfigBinding() {
    Injector injector = Guice.createInjector(new CoreModule());
    assertThat(injector.getInstance(ConfigBinding.class))
        .isSameAs(FrameworkServices.get(ConfigBinding.class));
  }

  @Test
  void theProcessInjectorBindsCoresServicesOnceEach() {
    Injector injector = Guice.createInjector(new CoreModule());
    assertThat(injector.getInstance(Terminal.class)).isInstanceOf(ProcessTerminal.class);
    assertThat(injector.getInstance(HistoryReader.class)).isInstanceOf(JsonlHistoryReader.class);
    assertThat(injector.getInstance(HistoryPlotter.class)).isInstanceOf(PngHistoryPlotter.class);
    assertThat(injector.getInstance(RunListing.class)).isInstanceOf(LocalRunListing.class);
    for (Class<?> service :
        new Class<?>[] {
          Terminal.class, HistoryReader.class, HistoryPlotter.class, RunListing.class
        }) {
      assertThat(injector.getInstance(service))
          .as(service.getSimpleName())
          .isSameAs(injector.getInstance(service));
    }
  }

  @Test
  void snapshotBuffersComeFromTheWritersPoolWhileItIsOpenOnThisThread() {
    SnapshotBuffers buffers = FrameworkServices.get(SnapshotBuffers.class);
    StagingBuffers pool = new StagingBuffers();
    try (StagingBuffers.Scope scope = pool.open()) {
      ByteBuffer staged = buffers.allocate(64);
      assertThat(staged.isDirect()).isTrue();
      assertThat(staged.remaining()).isEqualTo(64);
    }
    assertThat(pool.allocations()).as("allocated in the pool").isEqualTo(1);
    buffers.allocate(64);
    assertThat(pool.allocations()).as("outside the pool's scope: fresh memory").isEqualTo(1);
  }

  @Test
  void aTypeNobodyImplementsIsAnErrorNamingIt() {
    assertThat(FrameworkServices.find(Runnable.class)).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FrameworkServices.get(Runnable.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("java.lang.Runnable")
        .hasMessageContaining("noether-core");
  }
}

package ai.noether.core.inject;

import static org.assertj.core.api.Assertions.assertThat;

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
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The api services plugins reach outside injection are core's, found through core's services files,
 * and the process injector binds the very same instances for {@code @Inject} constructors.
 */
class FrameworkServicesTest {

  @Test
  void everyApiServiceIsServedByCore() {
    assertThat(FrameworkServices.get(ConfigBinding.class)).isInstanceOf(JacksonConfigBinding.class);
    assertThat(FrameworkServices.get(SnapshotBuffers.class))
        .isInstanceOf(StagedSnapshotBuffers.class);
    assertThat(FrameworkServices.get(Terminal.class)).isInstanceOf(ProcessTerminal.class);
    assertThat(FrameworkServices.get(HistoryReader.class)).isInstanceOf(JsonlHistoryReader.class);
    assertThat(FrameworkServices.get(HistoryPlotter.class)).isInstanceOf(PngHistoryPlotter.class);
  }

  @Test
  void theProcessInjectorBindsTheSameInstances() {
    Injector injector = Guice.createInjector(new CoreModule());
    for (Class<?> service :
        new Class<?>[] {
          ConfigBinding.class, Terminal.class, HistoryReader.class, HistoryPlotter.class
        }) {
      assertThat(injector.getInstance(service))
          .as(service.getSimpleName())
          .isSameAs(FrameworkServices.get(service));
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

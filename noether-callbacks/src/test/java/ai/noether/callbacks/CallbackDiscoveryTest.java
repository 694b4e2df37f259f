package ai.noether.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.spi.CallbackFactory;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The callback factories listed in the module's services file, as the registry finds them: read
 * from the services file and created by the process injector (some have {@code @Inject}
 * constructors, which {@link java.util.ServiceLoader} cannot call).
 */
class CallbackDiscoveryTest {

  private static List<CallbackFactory<?>> factories() {
    return ComponentRegistry.load().registrations(ComponentCategory.CALLBACK).stream()
        .<CallbackFactory<?>>map(r -> (CallbackFactory<?>) r.factory())
        .toList();
  }

  @Test
  void everyKindIsFoundThroughTheServicesFile() {
    assertThat(factories())
        .extracting(CallbackFactory::kind)
        .containsExactlyInAnyOrder(
            "checkpoint",
            "ema",
            "best-checkpoint",
            "best-metric",
            "early-stopping",
            "fixed-stop",
            "history",
            "lr-monitor",
            "progress",
            "test-evaluation");
  }

  @Test
  void everyFactoryDescribesItselfAndBindsToARecord() {
    for (CallbackFactory<?> f : factories()) {
      assertThat(f.description()).as(f.kind()).isNotBlank();
      assertThat(f.configType().isRecord()).as(f.kind()).isTrue();
    }
  }
}

package ai.noether.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.spi.CallbackFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class CallbackDiscoveryTest {

  private static List<CallbackFactory<?>> factories() {
    List<CallbackFactory<?>> out = new ArrayList<>();
    ServiceLoader.load(CallbackFactory.class).forEach(f -> out.add((CallbackFactory<?>) f));
    return out;
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

package ai.noether.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.Origins;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageCallbacksTest {
  @Test
  void callbacksOfOneKindAreNumberedFromTheSecondOnIndependentlyOfOtherKinds() {
    Map<String, Integer> seen = new HashMap<>();

    assertThat(StageCallbacks.stateKey(new Plain(null), block("ema"), seen)).isEqualTo("ema");
    assertThat(StageCallbacks.stateKey(new Plain(null), block("checkpoint"), seen))
        .isEqualTo("checkpoint");
    assertThat(StageCallbacks.stateKey(new Plain(null), block("ema"), seen)).isEqualTo("ema#2");
    assertThat(StageCallbacks.stateKey(new Plain(null), block("ema"), seen)).isEqualTo("ema#3");
  }

  @Test
  void aCallbacksOwnStateKeyWinsAndDoesNotCountForItsKind() {
    Map<String, Integer> seen = new HashMap<>();

    assertThat(StageCallbacks.stateKey(new Plain("best-loss"), block("ema"), seen))
        .isEqualTo("best-loss");
    assertThat(StageCallbacks.stateKey(new Plain(null), block("ema"), seen)).isEqualTo("ema");
  }

  private static ComponentBlock block(String kind) {
    return new ComponentBlock(
        "trainer.callbacks[0]", kind, Map.of(), List.of("kind"), new Origins("run.yaml"));
  }

  /** A callback that does nothing, with or without its own state key. */
  private record Plain(@Nullable String key) implements Callback {
    @Override
    public @Nullable String stateKey() {
      return key;
    }
  }
}

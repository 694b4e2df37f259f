package ai.noether.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.core.registry.TestPlugins.CountingCallbackFactory;
import org.junit.jupiter.api.Test;

/**
 * Binds the test callback of noether-core's tests ({@code test-counting}) through the real loader
 * and registry.
 */
class YamlBlockBinderTest {
  @Test
  void aBlockBindsToItsFactorysConfigRecordWithSnakeCaseKeys() {
    CountingCallbackFactory.Config config =
        YamlBlockBinder.callback(
            CountingCallbackFactory.Config.class,
            "test-counting",
            "every_n_epochs: 2",
            "keep_last: 3");
    assertThat(config.everyNEpochs()).isEqualTo(2L);
    assertThat(config.keepLast()).isEqualTo(3);
  }

  @Test
  void errorsAreTheMessagesTheCommandLinePrintsWithFileLineAndKey() {
    assertThat(YamlBlockBinder.callbackError("test-counting", "every_n_epochs: 2", "keep_lst: 3"))
        .contains("callbacks.yaml line 10: unknown key 'trainer.callbacks[0].keep_lst'")
        .contains("keep_last");
    assertThat(YamlBlockBinder.callbackError("test-countin"))
        .contains("test-countin")
        .contains("test-counting");
    assertThatThrownBy(() -> YamlBlockBinder.callback("test-counting", "every_n_epochs: many"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("trainer.callbacks[0].every_n_epochs");
  }

  @Test
  void askingForTheErrorOfABlockThatBindsFails() {
    assertThatThrownBy(() -> YamlBlockBinder.callbackError("test-counting", "every_n_epochs: 2"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("binds without an error");
  }
}

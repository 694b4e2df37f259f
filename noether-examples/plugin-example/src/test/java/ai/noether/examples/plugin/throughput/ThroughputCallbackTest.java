package ai.noether.examples.plugin.throughput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.callback.Interval;
import ai.noether.testkit.RecordingTrainingContext;
import ai.noether.testkit.YamlBlockBinder;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThroughputCallbackTest {
  private static final long MS = 1_000_000L;

  private final AtomicLong clock = new AtomicLong(-123 * MS);
  private final RecordingTrainingContext context =
      RecordingTrainingContext.builder().holdSaves().build();

  private void updates(ThroughputCallback callback, int n, long millisEach) {
    for (int i = 0; i < n; i++) {
      clock.addAndGet(millisEach * MS);
      callback.afterUpdate(context.nextUpdate(32));
    }
  }

  @Test
  void logsSamplesAndUpdatesPerSecondOverTheTimeSinceThePreviousValue() {
    ThroughputCallback callback =
        new ThroughputCallback(ThroughputCallbackConfig.every(Interval.updates(10)), clock::get);
    callback.beforeTraining(context);

    updates(callback, 9, 100);
    assertThat(context.loggedLines()).isEmpty();
    updates(callback, 1, 100);
    updates(callback, 10, 200);

    assertThat(context.loggedLines())
        .containsExactly(
            "throughput/samples_per_second=320.0", "throughput/updates_per_second=10.0",
            "throughput/samples_per_second=160.0", "throughput/updates_per_second=5.0");
  }

  @Test
  void aMinuteIntervalFollowsTheClock() {
    ThroughputCallback callback =
        new ThroughputCallback(ThroughputCallbackConfig.every(Interval.minutes(1)), clock::get);
    callback.beforeTraining(context);

    updates(callback, 2, 20_000);
    assertThat(context.loggedLines()).isEmpty();
    updates(callback, 1, 20_000);

    assertThat(context.loggedLines())
        .containsExactly("throughput/samples_per_second=1.6", "throughput/updates_per_second=0.05");
  }

  @Test
  void anEpochIntervalFiresWhenAnEpochEnds() {
    ThroughputCallback callback =
        new ThroughputCallback(ThroughputCallbackConfig.every(Interval.epochs(1)), clock::get);
    callback.beforeTraining(context);

    updates(callback, 3, 250);
    clock.addAndGet(250 * MS);
    callback.afterUpdate(context.nextUpdate(32).nextEpoch());

    assertThat(context.loggedLines())
        .containsExactly(
            "throughput/samples_per_second=128.0", "throughput/updates_per_second=4.0");
  }

  @Test
  void afterAResumeTheFirstValueCoversTheUpdatesSinceTrainingRestarted() {
    for (int i = 0; i < 25; i++) {
      context.nextUpdate(32);
    }
    ThroughputCallback callback =
        new ThroughputCallback(ThroughputCallbackConfig.every(Interval.updates(10)), clock::get);
    callback.beforeTraining(context);

    updates(callback, 5, 100);

    assertThat(context.loggedLines())
        .as("fires at update 30, as the run that was never interrupted")
        .containsExactly(
            "throughput/samples_per_second=320.0", "throughput/updates_per_second=10.0");
  }

  @Test
  void withoutAnIntervalItLogsEveryHundredUpdates() {
    assertThat(YamlBlockBinder.callback(ThroughputCallbackConfig.class, "throughput").interval())
        .isEqualTo(Interval.updates(100));
    assertThat(
            YamlBlockBinder.callback(
                    ThroughputCallbackConfig.class, "throughput", "every_n_minutes: 5")
                .interval())
        .isEqualTo(Interval.minutes(5));
  }

  @Test
  void twoIntervalsOrOneThatIsNotPositiveAreRejectedNamingTheKeys() {
    assertThatThrownBy(
            () ->
                YamlBlockBinder.callback("throughput", "every_n_epochs: 1", "every_n_updates: 10"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "trainer.callbacks[0]: give only one of every_n_epochs and every_n_updates");
    assertThatThrownBy(() -> YamlBlockBinder.callback("throughput", "every_n_samples: 0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("trainer.callbacks[0]: every_n_samples must be positive, was 0");
  }
}

package ai.noether.callbacks.best;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.metric.Direction;
import ai.noether.api.metric.MetricDirections;
import ai.noether.callbacks.testing.StateTrees;
import ai.noether.testkit.RecordingTrainingContext;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BestMetricCallbackTest {
  @TempDir Path dir;

  private static Map<String, Double> evaluation(double loss, double accuracy) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss/valid/total", loss);
    m.put("accuracy/valid", accuracy);
    return m;
  }

  @Test
  void logsEachOtherMetricAsItWasWhenTheSourceWasBest() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir);
    BestMetricCallback callback =
        new BestMetricCallback(new BestMetricCallbackConfig("loss/valid/total", null, null));
    context.addListener(callback);

    context.log(evaluation(0.5, 0.80));
    context.log(evaluation(0.6, 0.90));
    context.log(evaluation(0.4, 0.85));

    String key = "accuracy/valid/at_best/loss/valid/total";
    assertThat(context.loggedValues())
        .filteredOn(m -> m.containsKey(key))
        .extracting(m -> m.get(key))
        .containsExactly(0.80, 0.80, 0.85);
    assertThat(context.loggedValues())
        .noneMatch(m -> m.containsKey("loss/valid/total/at_best/loss/valid/total"));
  }

  @Test
  void configuredTargetsAreReadFromTheLatestValues() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir);
    BestMetricCallback callback =
        new BestMetricCallback(
            new BestMetricCallbackConfig(
                "accuracy/valid", List.of("loss/train/total", "missing/key"), null),
            Direction.HIGHER_IS_BETTER);
    context.addListener(callback);

    context.log(Map.of("loss/train/total", 0.3));
    context.log(evaluation(0.5, 0.9));

    assertThat(context.metrics())
        .containsEntry("loss/train/total/at_best/accuracy/valid", 0.3)
        .doesNotContainKey("missing/key/at_best/accuracy/valid")
        .doesNotContainKey("loss/valid/total/at_best/accuracy/valid");
  }

  @Test
  void aCallbackRestoredFromTheStateReportsTheBestOfTheWholeRun() {
    BestMetricCallbackConfig config = new BestMetricCallbackConfig("loss/valid/total", null, null);
    RecordingTrainingContext first = RecordingTrainingContext.of(dir);
    BestMetricCallback a = new BestMetricCallback(config);
    first.addListener(a);
    first.log(evaluation(0.5, 0.80));
    first.log(evaluation(0.6, 0.90));

    RecordingTrainingContext resumed = RecordingTrainingContext.of(dir);
    BestMetricCallback b = new BestMetricCallback(config);
    b.loadState(StateTrees.roundTrip(a.state()));
    resumed.addListener(b);
    resumed.log(evaluation(0.7, 0.95));

    assertThat(resumed.metrics()).containsEntry("accuracy/valid/at_best/loss/valid/total", 0.80);
    assertThat(b.stateKey()).isEqualTo("best-metric/loss/valid/total");
    assertThat(b.valuesAtBest()).containsExactly(Map.entry("accuracy/valid", 0.80));
  }

  @Test
  void configNeedsASourceKey() {
    assertThatThrownBy(() -> new BestMetricCallbackConfig(" ", null, null))
        .hasMessageContaining("source_key");
    assertThatThrownBy(
            () ->
                new BestMetricCallbackConfig("throughput", null, null)
                    .direction(MetricDirections.DEFAULT))
        .hasMessageContaining("source_key 'throughput'")
        .hasMessageContaining("mode: max");
  }
}

package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Callbacks and schedules that select by a metric take its direction from {@code mode:} or from the
 * training step's declaration; a metric with neither is a configuration error of {@code train} and
 * {@code noether config}, reported for every block at once before anything is trained or written.
 */
class MetricDirectionPreflightTest {
  private static final String UNDECLARED =
      """
      seed: 5
      store: {kind: file, fsync: false}
      dataset: {kind: synthetic-regression, train_samples: 64, valid_samples: 16, input_size: 6, noise: 0.05, data_seed: 3}
      model: {name: net, kind: mlp, input_size: 6, hidden_sizes: [8], output_size: 1}
      optimizer:
        kind: adamw
        lr: 1.0e-3
        schedule: {kind: reduce-on-plateau, metric_key: f1/valid}
      trainer:
        max_epochs: 1
        batch_size: 16
        loss: mse
        callbacks:
          - kind: best-checkpoint
            metric_key: nasa_score/valid/rul
          - kind: early-stopping
            metric_key: rmse/valid
            patience: 3
          - kind: best-checkpoint
            metric_key: loss/valid/total
      """;

  @TempDir Path dir;

  /** The helpers of {@link PreflightTest}, pointed at this test's directory. */
  private PreflightTest preflight() {
    PreflightTest p = new PreflightTest();
    p.dir = dir;
    p.runs = dir.resolve("runs");
    p.config = dir.resolve("stage.yaml");
    return p;
  }

  @Test
  void metricsWithoutModeOrDeclarationAreAllReportedBeforeTraining() throws Exception {
    PreflightTest p = preflight();
    Files.writeString(p.config, UNDECLARED);

    for (PreflightTest.Result r : new PreflightTest.Result[] {p.train(), p.checkConfig()}) {
      PreflightTest.assertConfigError(r);
      assertThat(r.err())
          .contains("the configuration has 3 problems")
          .contains(
              "trainer.callbacks[0].metric_key: 'nasa_score/valid/rul': it is not known whether lower or"
                  + " higher is better for 'nasa_score'")
          .contains("trainer.callbacks[1].metric_key: 'rmse/valid': it is not known")
          .contains("optimizer.schedule.metric_key: 'f1/valid': it is not known")
          .contains("Set mode: min (lower is better) or mode: max (higher is better)")
          .doesNotContain("callbacks[2]");
    }
    assertThat(p.filesWritten()).isEmpty();
  }

  @Test
  void anExplicitModeOrTheStepsDeclarationIsEnough() throws Exception {
    PreflightTest p = preflight();
    Files.writeString(
        p.config,
        UNDECLARED
            .replace(
                "metric_key: nasa_score/valid/rul",
                "metric_key: nasa_score/valid/rul\n      mode: min")
            .replace("patience: 3", "patience: 3\n      mode: min")
            // The step declares loss (an mse step reports no accuracy, so it does not declare one).
            .replace("metric_key: f1/valid}", "metric_key: loss/valid/total}"));

    PreflightTest.Result r = p.checkConfig();

    assertThat(r.status()).as(r.err()).isZero();
  }
}

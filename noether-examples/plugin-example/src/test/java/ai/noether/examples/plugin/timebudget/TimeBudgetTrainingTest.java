package ai.noether.examples.plugin.timebudget;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.Registration;
import ai.noether.core.run.StageAssembly;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.TrainingResult;
import ai.noether.examples.plugin.throughput.ThroughputCallback;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin as a user runs it: {@code configs/plugin-example.yaml} loaded by the framework, the
 * kind found through this module's services file, a real DJL model trained on the quickstart data,
 * checkpoints written to disk, and a resume that continues. Wall-clock time decides nothing here
 * that could differ between machines: the first budget is spent before training starts (so the
 * callback stops after the one update every process makes), the second is ten hours.
 */
class TimeBudgetTrainingTest {
  /** The example configuration; tests run in the module directory. */
  private static final Path CONFIG = Path.of("../configs/plugin-example.yaml");

  private static final String SERVICES = "META-INF/services/" + CallbackFactory.class.getName();

  @TempDir Path dir;

  @Test
  void theKindIsRegisteredByThisModulesServicesFileAlone() throws IOException {
    Registration registration =
        ComponentRegistry.load().registrations(ComponentCategory.CALLBACK).stream()
            .filter(r -> r.kind().equals("time-budget"))
            .findFirst()
            .orElseThrow();

    assertThat(registration.className()).isEqualTo(TimeBudgetCallbackFactory.class.getName());
    assertThat(registration.description())
        .startsWith("stops with a resumable checkpoint before a wall-clock limit");
    List<String> listing = new ArrayList<>();
    for (URL file : Collections.list(getClass().getClassLoader().getResources(SERVICES))) {
      try (InputStream in = file.openStream()) {
        if (new String(in.readAllBytes(), StandardCharsets.UTF_8)
            .contains(TimeBudgetCallbackFactory.class.getName())) {
          listing.add(file.getPath());
        }
      }
    }
    assertThat(listing)
        .as("services files that list the factory")
        .containsExactly(Path.of("target/classes").toAbsolutePath().resolve(SERVICES).toString());
    assertThat(registration.source())
        .isEqualTo(Path.of("target/classes").toAbsolutePath().toString());
  }

  @Test
  void aSpentBudgetStopsWithAResumableCheckpointFromWhichTrainingContinuesToTheEnd()
      throws IOException {
    ComponentRegistry registry = ComponentRegistry.load();
    RunConfigLoader loader = new RunConfigLoader(dir, () -> "budget-run");
    RunConfig first =
        loader.load(
            CONFIG.toAbsolutePath(),
            List.of(
                "output_dir=" + dir,
                "trainer.max_epochs=2",
                "trainer.callbacks[0].max_minutes=0.001",
                "trainer.callbacks[0].margin_minutes=0",
                "trainer.callbacks[1].every_n_updates=64"));
    registry.validate(first);

    TrainingResult stopped = train(first, registry);

    assertThat(stopped.interrupted()).as("an interruption: the command line exits with 3").isTrue();
    assertThat(stopped.stop().reason()).startsWith("time budget: ");
    assertThat(stopped.iteration()).isEqualTo(new TrainingIteration(0, 1, 32));
    Path checkpoints = first.layout().checkpointDir();
    for (String kind : List.of("model", "optim", "trainer")) {
      assertThat(checkpoints.resolve("mlp_cp=E0_U1_S32.interrupt_" + kind + ".th")).isRegularFile();
      assertThat(checkpoints.resolve("mlp_cp=latest_" + kind + ".th")).isRegularFile();
    }
    Map<String, Object> afterStop = budgetState(checkpoints.resolve("mlp_cp=latest_trainer.th"));
    assertThat(afterStop).containsEntry("processes", 1L);
    assertThat((Double) afterStop.get("wall_seconds")).isPositive();

    // What `noether resume budget-run` does: the stage's saved configuration plus the resume keys.
    RunConfig second =
        loader.load(
            first.resolvedFile(),
            List.of(
                "resume_run_id=budget-run",
                "resume_stage_name=train",
                "trainer.callbacks[0].max_minutes=600"));
    registry.validate(second);
    TrainingResult finished;
    try (StageAssembly stage = StageAssembly.assemble(second, registry, new StopRequest())) {
      assertThat(stage.resumedFrom().orElseThrow().stored().iteration())
          .isEqualTo(new TrainingIteration(0, 1, 32));
      finished = stage.trainer().run();
    }

    assertThat(finished.stop()).as("ten hours are enough").isNull();
    assertThat(finished.iteration()).isEqualTo(new TrainingIteration(2, 128, 4096));
    Map<String, Object> atEnd = budgetState(checkpoints.resolve("mlp_cp=last_trainer.th"));
    assertThat(atEnd).containsEntry("processes", 2L);
    assertThat((Double) atEnd.get("wall_seconds"))
        .isGreaterThan((Double) afterStop.get("wall_seconds"));
    assertThat(finished.metrics().get(TimeBudgetCallback.WALL_MINUTES) * 60)
        .as("the metric counts both processes")
        .isGreaterThan((Double) afterStop.get("wall_seconds"));
    assertThat(Files.readString(first.layout().stageDir().resolve("history.jsonl")))
        .contains(TimeBudgetCallback.WALL_MINUTES, ThroughputCallback.SAMPLES_PER_SECOND);
  }

  private static TrainingResult train(RunConfig config, ComponentRegistry registry)
      throws IOException {
    try (StageAssembly stage = StageAssembly.assemble(config, registry, new StopRequest())) {
      return stage.trainer().run();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> budgetState(Path trainerFile) throws IOException {
    Map<String, Object> callbacks =
        (Map<String, Object>) ThReader.read(trainerFile).get(CheckpointKeys.CALLBACKS);
    assertThat(callbacks).containsKey("time-budget");
    return (Map<String, Object>) callbacks.get("time-budget");
  }
}

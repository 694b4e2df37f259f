package ai.noether.callbacks.history;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.callback.Callback;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.logger.HistoryPlotter;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.history.MetricHistory;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.RunContext;
import ai.noether.testkit.RecordingTrainingContext;
import ai.noether.testkit.TestComponentContext;
import com.google.inject.Guice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code history} factory gets its plotter from the process injector and hands it on. */
class HistoryPlotCallbackFactoryTest {
  @TempDir Path stageDir;

  @Test
  void theCallbackDrawsWithTheBoundPlotter() throws Exception {
    RecordingPlotter plotter = new RecordingPlotter();
    HistoryPlotCallbackFactory factory =
        Guice.createInjector(binder -> binder.bind(HistoryPlotter.class).toInstance(plotter))
            .getInstance(HistoryPlotCallbackFactory.class);

    Callback callback =
        factory.create(
            new HistoryPlotCallbackConfig(null, null, null, null), TestComponentContext.empty());
    callback.afterTraining(RecordingTrainingContext.of(stageDir));

    assertThat(plotter.rendered).containsExactly(stageDir);
  }

  @Test
  void theRegistrysHistoryCallbackDrawsWithCoresPlotter() {
    MetricHistory history = new MetricHistory(stageDir.resolve(RunLayout.HISTORY_FILE));
    history.append(new TrainingIteration(0, 1, 8), Map.of("loss/train/total", 1.0));
    history.close();
    Callback callback =
        ComponentRegistry.load()
            .create(
                ComponentCategory.CALLBACK,
                ComponentBlock.of(
                    "trainer.callbacks[0]", HistoryPlotCallbackFactory.KIND, Map.of()),
                new RunContext());

    callback.afterTraining(RecordingTrainingContext.of(stageDir));

    assertThat(stageDir.resolve(RunLayout.PLOTS_DIR).resolve("loss.png")).isRegularFile();
  }

  private static final class RecordingPlotter implements HistoryPlotter {
    final List<Path> rendered = new ArrayList<>();

    @Override
    public List<Path> render(Path stageDir) {
      rendered.add(stageDir);
      return List.of();
    }
  }
}

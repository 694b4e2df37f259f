package ai.noether.callbacks.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.callback.Callback;
import ai.noether.api.logger.Terminal;
import ai.noether.testkit.RecordingTrainingContext;
import ai.noether.testkit.TestComponentContext;
import com.google.inject.Guice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code progress} factory gets the process's {@link Terminal} from the process injector and
 * hands it on: the bar goes to that terminal's status line.
 */
class ProgressCallbackFactoryTest {
  @TempDir Path dir;

  @Test
  void theBarIsDrawnOnTheBoundTerminalsStatusLine() {
    RecordingStatus status = new RecordingStatus();
    Terminal terminal =
        new Terminal() {
          @Override
          public boolean isInteractive() {
            return true;
          }

          @Override
          public Optional<Status> statusLine() {
            return Optional.of(status);
          }
        };
    ProgressCallbackFactory factory =
        Guice.createInjector(binder -> binder.bind(Terminal.class).toInstance(terminal))
            .getInstance(ProgressCallbackFactory.class);

    Callback callback =
        factory.create(
            new ProgressCallbackConfig(null, null, null, null), TestComponentContext.empty());
    RecordingTrainingContext context = RecordingTrainingContext.of(dir).totalUpdates(40);
    callback.beforeTraining(context);
    context.at(0, 1, 16);
    callback.afterUpdate(context);
    callback.afterTraining(context);

    assertThat(status.shown).isNotEmpty().allSatisfy(t -> assertThat(t).contains("E0 U1/40"));
    assertThat(status.finished).isTrue();
  }

  private static final class RecordingStatus implements Terminal.Status {
    final List<String> shown = new ArrayList<>();
    boolean finished;

    @Override
    public void show(String text) {
      shown.add(text);
    }

    @Override
    public void finish() {
      finished = true;
    }
  }
}

package ai.noether.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.run.RunInfo;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunContextTest {
  static final RunConfig CONFIG =
      new RunConfigLoader(Path.of("/tmp"), () -> "run-1")
          .parse(ComponentRegistryTest.RUN, "run.yaml", List.of());

  @Test
  void aRunsContextHoldsItsFactsAndConfiguration() {
    RunContext context = RunContext.forRun(CONFIG);

    assertThat(context.require(RunInfo.class)).isEqualTo(CONFIG.runInfo());
    assertThat(context.require(RunConfig.class)).isSameAs(CONFIG);
    assertThat(context.path()).isEmpty();
  }

  @Test
  void servicesPutLaterAreSeenByEveryViewAtAnyPath() {
    RunContext context = RunContext.forRun(CONFIG);
    RunContext view = context.at("trainer.callbacks[0]");
    StringBuilder service = new StringBuilder("a service");

    context.put(StringBuilder.class, service);

    assertThat(view.path()).isEqualTo("trainer.callbacks[0]");
    assertThat(view.find(StringBuilder.class)).containsSame(service);
    assertThat(view.find(CharSequence.class)).as("found by a supertype").containsSame(service);
  }

  @Test
  void aMissingServiceNamesThePathTheTypeAndWhatTheRunHas() {
    RunContext view = RunContext.forRun(CONFIG).at("model.initializers[0]");

    assertThat(view.find(Runnable.class)).isEmpty();
    assertThatThrownBy(() -> view.require(Runnable.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "model.initializers[0]: this run has no java.lang.Runnable (yet); it has RunInfo, RunConfig");
  }

  @Test
  void aTypeCanBePutOnce() {
    RunContext context = RunContext.forRun(CONFIG);

    assertThatThrownBy(() -> context.put(RunInfo.class, CONFIG.runInfo()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("this run already has a ai.noether.api.run.RunInfo");
  }
}

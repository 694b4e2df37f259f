package ai.noether.core.run;

import ai.noether.api.callback.Callback;
import ai.noether.core.cli.LaunchOptions;
import ai.noether.core.cli.NoetherCli;
import ai.noether.core.cli.RunLauncher;
import ai.noether.core.config.RunConfig;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.signal.SimulatedPreemption;
import ai.noether.core.signal.StopSignals;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.TrainingResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * What {@code noether train} and {@code noether resume} run: installs the stop signals, assembles
 * the stage, trains, and prints where the results are.
 */
public final class TrainingLauncher implements RunLauncher {

  @Override
  public int launch(RunConfig config, ComponentRegistry registry, PrintWriter out, LaunchOptions options)
      throws Exception {
    StopRequest stop = new StopRequest();
    StopSignals.install(stop, Duration.ofSeconds(config.trainer().stopTimeoutSeconds()));
    List<Callback> extra = options.interruptAtUpdate() > 0
        ? List.of(new SimulatedPreemption(options.interruptAtUpdate())) : List.of();
    try (StageAssembly stage = StageAssembly.assemble(config, registry, stop, extra)) {
      TrainingResult result = stage.trainer().run();
      out.println("run " + config.runId() + ", stage " + config.stageName() + ": "
          + (result.interrupted() ? "interrupted" : "finished") + " at " + result.iteration());
      out.println("checkpoint " + result.finalCheckpoint().describe() + " in " + config.layout().checkpointDir());
      if (result.interrupted()) {
        out.println("continue with: ./noether resume " + config.runId() + " --stage " + config.stageName()
            + " --output-dir " + config.outputDir());
        out.println("(or just ./noether resume, which picks the most recent run in the output directory)");
        return NoetherCli.INTERRUPTED;
      }
      return NoetherCli.OK;
    }
  }
}

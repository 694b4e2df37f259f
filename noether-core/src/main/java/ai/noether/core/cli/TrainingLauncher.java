package ai.noether.core.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.callback.Callback;
import ai.noether.core.config.RunConfig;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.resume.VerifiedReads;
import ai.noether.core.run.StageAssembly;
import ai.noether.core.signal.SimulatedPreemption;
import ai.noether.core.signal.StopSignals;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.TrainingResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * What {@code noether train} and {@code noether resume} run: installs the stop signals, assembles
 * the stage ({@link StageAssembly}), prints where a resumed stage continues from and the
 * configuration changes it accepted, trains, and prints where the results are.
 *
 * <p>It belongs to the command line, which depends on the run assembly and not the other way round:
 * {@code ai.noether.core.run} knows nothing of commands, options or exit codes.
 */
public final class TrainingLauncher implements RunLauncher {
  private final boolean installSignals;

  /**
   * The launcher of the command line: SIGTERM, SIGINT and SIGUSR1 stop training with a checkpoint.
   */
  public TrainingLauncher() {
    this(true);
  }

  private TrainingLauncher(boolean installSignals) {
    this.installSignals = installSignals;
  }

  /**
   * A launcher that leaves the process's signal handlers alone, for running the command line inside
   * a JVM that owns its signal handling (an application that embeds Noether, or a test): there a
   * signal ends the process the JVM's way, and training continues from the newest checkpoint.
   */
  public static TrainingLauncher withoutSignalHandlers() {
    return new TrainingLauncher(false);
  }

  @Override
  public int launch(
      RunConfig config, ComponentRegistry registry, PrintWriter out, LaunchOptions options)
      throws Exception {
    if (!installSignals && options.interruptAtUpdate() > 0) {
      throw new ConfigException(
          "--interrupt-at-update sends the process SIGTERM, which needs the signal handlers of "
              + "the noether command line; this launcher runs without them");
    }
    // Before any component starts the engine: PyTorch fixes its inter-op pool at the first use.
    ai.noether.core.engine.EngineSettings.applyAll(config.engine());
    StopRequest stop = new StopRequest();
    StopSignals signals =
        installSignals
            ? StopSignals.install(stop, Duration.ofSeconds(config.trainer().stopTimeoutSeconds()))
            : null;
    try {
      return train(config, registry, out, options, stop);
    } finally {
      if (signals != null) {
        signals.close();
      }
    }
  }

  private int train(
      RunConfig config,
      ComponentRegistry registry,
      PrintWriter out,
      LaunchOptions options,
      StopRequest stop)
      throws Exception {
    List<Callback> extra =
        options.interruptAtUpdate() > 0
            ? List.of(new SimulatedPreemption(options.interruptAtUpdate()))
            : List.of();
    try (StageAssembly stage = StageAssembly.assemble(config, registry, stop, extra)) {
      VerifiedReads.dropUntaken();
      if (stage.resumedFrom().isPresent()) {
        out.println(
            "resuming "
                + config.stage()
                + " from "
                + stage.resumedFrom().get().source()
                + (stage.configChanges().isEmpty() ? "" : " with configuration changes:"));
        stage.configChanges().forEach(change -> out.println("    " + change.describe()));
        out.flush();
      }
      TrainingResult result = stage.trainer().run();
      out.println(
          "run "
              + config.runId()
              + ", stage "
              + config.stageName()
              + ": "
              + (result.interrupted() ? "interrupted" : "finished")
              + " at "
              + result.iteration());
      out.println(
          "checkpoint "
              + result.finalCheckpoint().describe()
              + " in "
              + config.layout().checkpointDir());
      if (result.interrupted()) {
        out.println(
            "continue with: ./noether resume "
                + config.runId()
                + " --stage "
                + config.stageName()
                + " --output-dir "
                + config.output());
        out.println(
            "(or just ./noether resume, which picks the most recent run in the output directory)");
        return NoetherCli.INTERRUPTED;
      }
      return NoetherCli.OK;
    }
  }
}

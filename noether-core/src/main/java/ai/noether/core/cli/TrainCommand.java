package ai.noether.core.cli;

import ai.noether.api.Nullable;
import ai.noether.core.config.ConfigKeys;
import ai.noether.core.config.RunConfig;
import ai.noether.core.registry.ComponentRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code noether train <config.yaml> [key.path=value ...]}. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Trains a run described by a YAML configuration, with optional key.path=value overrides.")
final class TrainCommand implements Callable<Integer> {
  @ParentCommand NoetherCli cli;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "the run configuration (YAML)")
  @SuppressWarnings(
      "NullAway.Init") // set by picocli before call(): a required parameter or an option with a
  // default
  Path config;

  @Parameters(
      index = "1..*",
      paramLabel = "KEY=VALUE",
      description =
          "overrides, e.g. trainer.max_updates=50 optimizer.lr=1e-3 trainer.callbacks[0].every_n_epochs=2")
  List<String> overrides = new ArrayList<>();

  @Option(
      names = "--interrupt-at-update",
      paramLabel = "N",
      description =
          "send this process SIGTERM after update N, as a scheduler preempting the job would"
              + " (to watch an emergency checkpoint and a resume)")
  @Nullable
  Long interruptAtUpdate;

  @Option(
      names = "--resume-if-exists",
      description =
          "resume the run's stage from its newest checkpoint when it has one, else start fresh: one"
              + " command for the first start and every requeue (the same as resume_if_exists: true; needs a fixed run_id)")
  boolean resumeIfExists;

  @Override
  public Integer call() throws Exception {
    LaunchOptions options = LaunchOptions.fromCommandLine(interruptAtUpdate);
    List<String> arguments = new ArrayList<>(overrides);
    if (resumeIfExists) {
      arguments.add(ConfigKeys.RESUME_IF_EXISTS + "=true");
    }
    RunConfig run = cli.loader().load(config, arguments);
    ComponentRegistry registry = cli.registry();
    registry.validate(run);
    return cli.launcher().launch(run, registry, spec.commandLine().getOut(), options);
  }
}

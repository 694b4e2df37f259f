package ai.noether.core.cli;

import ai.noether.api.check.ConfigProblems;
import ai.noether.core.check.Preflight;
import ai.noether.core.config.RunConfig;
import ai.noether.core.registry.ComponentDefaults;
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

/**
 * {@code noether config <config.yaml> [key.path=value ...]}: checks a configuration and prints it
 * resolved. It runs the checks {@code train} runs before training ({@link Preflight#check}): the
 * data, the model and the training step are built (no store, no initializers, nothing written) so
 * that components can check the run's length and the data's shapes, and the step makes a dry
 * forward pass on one batch.
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a run configuration and prints it resolved: defaults filled in (also those of every"
          + " component), overrides applied, a run id generated. Every component block is bound to its factory's config, as 'train' would; then"
          + " the data, the model and the training step are built (nothing is written) to check the run's length"
          + " and the data's shapes against the components and to make a dry forward pass on one batch."
    })
final class ConfigCommand implements Callable<Integer> {
  @ParentCommand NoetherCli cli;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "the run configuration (YAML)")
  @SuppressWarnings(
      "NullAway.Init") // set by picocli before call(): a required parameter or an option with a
  // default
  Path config;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "overrides, as for 'train'")
  List<String> overrides = new ArrayList<>();

  @Option(
      names = "--no-build",
      description =
          "only bind the blocks: skip the checks that build the data, the model and"
              + " the training step (the run's length and shapes, the dry forward pass)")
  boolean noBuild;

  @Override
  public Integer call() {
    RunConfig run = cli.loader().load(config, overrides);
    ComponentRegistry registry = cli.registry();
    registry.validate(run);
    if (!noBuild) {
      for (ConfigProblems.Problem warning : Preflight.check(run, registry)) {
        spec.commandLine().getErr().println("warning: " + warning);
      }
    }
    spec.commandLine().getOut().print(RunConfig.toYaml(ComponentDefaults.resolve(run, registry)));
    return NoetherCli.OK;
  }
}

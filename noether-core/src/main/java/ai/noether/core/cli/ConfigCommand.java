package ai.noether.core.cli;

import ai.noether.core.config.RunConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code noether config <config.yaml> [key.path=value ...]}: checks a configuration and prints it resolved. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = {"Checks a run configuration and prints it resolved: defaults filled in, overrides applied,"
        + " a run id generated. Every component block is bound to its factory's config, as 'train' would,"
        + " but nothing is built."})
final class ConfigCommand implements Callable<Integer> {
  @ParentCommand NoetherCli cli;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "the run configuration (YAML)")
  Path config;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "overrides, as for 'train'")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() {
    RunConfig run = cli.loader().load(config, overrides);
    cli.registry().validate(run);
    spec.commandLine().getOut().print(run.toYaml());
    return NoetherCli.OK;
  }
}

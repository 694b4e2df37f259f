package ai.noether.examples.turbofan;

import ai.noether.api.cli.CommandContext;
import ai.noether.api.cli.ExitCodes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code noether turbofan-data [--to DIR] ...}: writes a simulated engine fleet in NASA's C-MAPSS
 * layout (see {@link TurbofanFleet}) for the turbofan example, and prints the files written.
 */
@Command(
    name = "turbofan-data",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a simulated turbofan fleet in NASA's C-MAPSS file layout (train_FD001.txt,"
          + " test_FD001.txt, RUL_FD001.txt) for the turbofan RUL example."
    })
public final class TurbofanDataCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  private final CommandContext cli;

  @SuppressWarnings("NullAway.Init") // set by picocli before call(): an option with a default
  @Option(
      names = "--to",
      paramLabel = "DIR",
      defaultValue = "data/turbofan",
      description = "the directory to write into (default: ${DEFAULT-VALUE})")
  Path to;

  @SuppressWarnings("NullAway.Init") // set by picocli before call(): an option with a default
  @Option(
      names = "--name",
      paramLabel = "NAME",
      defaultValue = "FD001",
      description = "the data set's name in the file names (default: ${DEFAULT-VALUE})")
  String name;

  @Option(
      names = "--train-units",
      paramLabel = "N",
      defaultValue = "100",
      description = "engines run to failure (default: ${DEFAULT-VALUE})")
  int trainUnits;

  @Option(
      names = "--test-units",
      paramLabel = "N",
      defaultValue = "100",
      description = "engines cut off before failure (default: ${DEFAULT-VALUE})")
  int testUnits;

  @Option(
      names = "--conditions",
      paramLabel = "1|6",
      defaultValue = "1",
      description =
          "operating conditions: 1 as in FD001/FD003, 6 as in FD002/FD004 (default: ${DEFAULT-VALUE})")
  int conditions;

  @Option(
      names = "--min-life",
      paramLabel = "CYCLES",
      defaultValue = "128",
      description = "shortest engine life (default: ${DEFAULT-VALUE})")
  int minLife;

  @Option(
      names = "--max-life",
      paramLabel = "CYCLES",
      defaultValue = "362",
      description = "longest engine life (default: ${DEFAULT-VALUE})")
  int maxLife;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "2002",
      description = "the same seed writes the same files (default: ${DEFAULT-VALUE})")
  long seed;

  /**
   * @param cli the command line, whose working directory a relative {@code --to} is resolved
   *     against
   */
  public TurbofanDataCommand(CommandContext cli) {
    this.cli = Objects.requireNonNull(cli, "cli");
  }

  @Override
  public Integer call() throws IOException {
    TurbofanFleet.Settings settings;
    try {
      settings =
          new TurbofanFleet.Settings(
              name, trainUnits, testUnits, conditions, minLife, maxLife, seed);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("noether turbofan-data: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    Path dir = cli.workingDir().resolve(to);
    for (Path file : new TurbofanFleet(settings).write(dir)) {
      spec.commandLine().getOut().println(file);
    }
    return ExitCodes.OK;
  }
}

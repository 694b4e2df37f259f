package ai.noether.core.cli;

import ai.noether.core.inspect.CheckpointInspector;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code noether inspect <file> [--full]}: what a checkpoint file holds, as {@code torch.load}
 * would show it (see {@link CheckpointInspector}). Exit code 2 for a file that does not exist or is
 * not a checkpoint, 1 for a damaged one.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Shows what a checkpoint file holds: its tag and iteration, every tensor with its dtype and"
          + " shape, metrics, extras (such as scaler_params) and the saved configuration. Reads model, optimizer and"
          + " trainer files, PyTorch state dicts and .safetensors files without running any code from them."
    })
final class InspectCommand implements Callable<Integer> {
  @ParentCommand NoetherCli cli;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "a checkpoint file (.th or .safetensors)")
  @SuppressWarnings(
      "NullAway.Init") // set by picocli before call(): a required parameter or an option with a
  // default
  Path file;

  @Option(
      names = "--full",
      description =
          "print every entry of long lists (a trainer file's history) instead of"
              + " the first and last ones")
  boolean full;

  @Override
  public Integer call() throws Exception {
    CheckpointInspector.read(cli.workingDir().resolve(file))
        .print(spec.commandLine().getOut(), full);
    return NoetherCli.OK;
  }
}

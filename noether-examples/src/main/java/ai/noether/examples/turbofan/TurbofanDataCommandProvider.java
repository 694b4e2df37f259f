package ai.noether.examples.turbofan;

import ai.noether.api.cli.CommandContext;
import ai.noether.api.cli.CommandProvider;

/** Adds {@code noether turbofan-data} (see {@link TurbofanDataCommand}) to the command line. */
public final class TurbofanDataCommandProvider implements CommandProvider {
  @Override
  public Object newCommand(CommandContext context) {
    return new TurbofanDataCommand(context);
  }
}

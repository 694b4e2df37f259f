package ai.noether.examples.turbofan;

import ai.noether.core.cli.CommandProvider;

/** Adds {@code noether turbofan-data} (see {@link TurbofanDataCommand}) to the command line. */
public final class TurbofanDataCommandProvider implements CommandProvider {
  @Override
  public Object newCommand() {
    return new TurbofanDataCommand();
  }
}

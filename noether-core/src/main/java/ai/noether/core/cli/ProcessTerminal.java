package ai.noether.core.cli;

import ai.noether.api.logger.Terminal;
import java.util.Optional;

/**
 * The api's {@link Terminal}: {@link Terminals#isInteractive()} and the {@link StatusLine} the
 * command line installed. Bound in the process injector by {@code CoreModule}. Stateless.
 */
public final class ProcessTerminal implements Terminal {

  @Override
  public boolean isInteractive() {
    return Terminals.isInteractive();
  }

  @Override
  public Optional<Status> statusLine() {
    return Optional.ofNullable(StatusLine.current());
  }
}

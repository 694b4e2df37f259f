package ai.noether.callbacks.logging;

import ai.noether.api.callback.Callback;
import ai.noether.api.logger.Terminal;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;
import jakarta.inject.Inject;
import java.util.Objects;

/**
 * {@code kind: progress}: see {@link ProgressCallback}. Its bar draws on the process's {@link
 * Terminal}, which the process injector gives the factory.
 */
public final class ProgressCallbackFactory implements CallbackFactory<ProgressCallbackConfig> {
  /** The permanent kind name. */
  public static final String KIND = "progress";

  private final Terminal terminal;

  /**
   * @param terminal the terminal of this process: whether it is interactive, and its status line
   */
  @Inject
  public ProgressCallbackFactory(Terminal terminal) {
    this.terminal = Objects.requireNonNull(terminal, "terminal");
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<ProgressCallbackConfig> configType() {
    return ProgressCallbackConfig.class;
  }

  @Override
  public String description() {
    return "progress bar with ETA on a terminal, periodic progress log lines otherwise";
  }

  @Override
  public Callback create(ProgressCallbackConfig config, ComponentContext context) {
    return new ProgressCallback(config, terminal);
  }
}

package ai.noether.api;

/**
 * Base of every exception the framework throws on purpose. Its message always says what went wrong
 * and how to fix it; subclasses group failures by area (configuration, names, checkpoints).
 */
public class NoetherException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NoetherException(String message) {
    super(message);
  }

  public NoetherException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * Never null: every constructor takes the message, and the null check holds callers to a non-null
   * one, so {@code throw new ConfigException(e.getMessage())} on a caught Noether exception is
   * safe.
   */
  @Override
  public String getMessage() {
    String message = super.getMessage();
    return message == null ? getClass().getName() : message;
  }
}

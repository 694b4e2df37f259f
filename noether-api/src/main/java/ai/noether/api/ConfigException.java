package ai.noether.api;

/**
 * A configuration the user has to fix: an unknown key or kind, a value of the wrong type, a missing
 * required value, options that contradict each other. The message names the file (or command-line
 * argument), the YAML path and line, and what would be valid; it is meant to be shown as it is,
 * without a stack trace. The command line exits with status 2 on it.
 *
 * <p>It lives in the api so that plugin factories, which compile against this module alone, can
 * report problems they find while creating their component in the same way.
 */
public class ConfigException extends NoetherException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}

package ai.noether.core.data;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;

/**
 * A data file named by a dataset block that cannot be used as configured: missing, unreadable, in a
 * format this framework does not read, or with contents that do not fit the configuration (a short
 * row, a value that is not a number, an array of another length than its neighbours). The message
 * names the file, and where it applies the line, the column and what would be valid.
 *
 * <p>It is a {@link ConfigException}: the user fixes the file or the dataset block, and the command
 * line exits with status 2 and shows the message without a stack trace.
 */
public class DataFileException extends ConfigException {
  private static final long serialVersionUID = 1L;

  public DataFileException(String message) {
    super(message);
  }

  public DataFileException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}

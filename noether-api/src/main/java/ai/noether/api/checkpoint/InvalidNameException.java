package ai.noether.api.checkpoint;

import ai.noether.api.NoetherException;

/**
 * A run id, stage name, model name, model info, tag or file name that the framework refuses,
 * because it could escape the output directory or make a file name ambiguous. The message names the
 * part and the offending character.
 */
public class InvalidNameException extends NoetherException {
  private static final long serialVersionUID = 1L;

  public InvalidNameException(String message) {
    super(message);
  }
}

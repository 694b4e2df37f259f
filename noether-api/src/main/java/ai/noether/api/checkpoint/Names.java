package ai.noether.api.checkpoint;

/**
 * Validation of the names that become parts of paths and file names. Every name is checked where it
 * enters the framework (config binding, CLI, file name parsing), so that no name can escape {@code
 * output_dir} or make a checkpoint file name ambiguous.
 *
 * <ul>
 *   <li>run ids and stage names: letters, digits, {@code . _ -}; must start with a letter or digit
 *       (so never {@code .} or {@code ..}); at most 128 characters.
 *   <li>model names: the same, except {@code =} is not allowed either (it marks model info).
 *   <li>model info: letters, digits and {@code . , = + -}, must contain {@code =} (for example
 *       {@code ema=0.9999}); no {@code _}, because {@code _} separates it from the model name.
 * </ul>
 */
public final class Names {
  public static final int MAX_LENGTH = 128;

  private Names() {}

  /** Checks a run id; returns it. */
  public static String requireRunId(String value) {
    return requireSimple("run id", value);
  }

  /** Checks a stage name; returns it. */
  public static String requireStageName(String value) {
    return requireSimple("stage name", value);
  }

  /** Checks a model name; returns it. */
  public static String requireModelName(String value) {
    return requireSimple("model name", value);
  }

  /** Checks model info such as {@code ema=0.9999}; returns it. */
  public static String requireModelInfo(String value) {
    requireNonEmpty("model info", value);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(isAlnum(c) || c == '.' || c == ',' || c == '=' || c == '+' || c == '-')) {
        throw new InvalidNameException(
            "model info '"
                + value
                + "' contains "
                + describe(c)
                + " at position "
                + i
                + "; allowed are letters, digits and . , = + - (for example ema=0.9999)"
                + (c == '_' ? "; '_' separates model name and model info, write '-' instead" : ""));
      }
    }
    if (value.indexOf('=') < 0) {
      throw new InvalidNameException(
          "model info '" + value + "' must have the form key=value (for example ema=0.9999)");
    }
    return value;
  }

  private static String requireSimple(String what, String value) {
    requireNonEmpty(what, value);
    if (value.length() > MAX_LENGTH) {
      throw new InvalidNameException(
          what
              + " '"
              + value.substring(0, 20)
              + "...' is "
              + value.length()
              + " characters long; at most "
              + MAX_LENGTH
              + " are allowed");
    }
    if (!isAlnum(value.charAt(0))) {
      throw new InvalidNameException(
          what
              + " '"
              + value
              + "' starts with "
              + describe(value.charAt(0))
              + "; it must start with a letter or digit");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(isAlnum(c) || c == '.' || c == '_' || c == '-')) {
        throw new InvalidNameException(
            what
                + " '"
                + value
                + "' contains "
                + describe(c)
                + " at position "
                + i
                + "; allowed are letters, digits, '.', '_' and '-'");
      }
    }
    return value;
  }

  private static void requireNonEmpty(String what, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidNameException(what + " must not be empty");
    }
  }

  static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  static String describe(char c) {
    if (c == '/' || c == '\\') {
      return "a path separator '" + c + "'";
    }
    if (Character.isWhitespace(c)) {
      return "whitespace";
    }
    if (Character.isISOControl(c)) {
      return "control character U+" + String.format("%04X", (int) c);
    }
    return "'" + c + "'";
  }
}

package ai.noether.api.model;

import java.util.regex.Pattern;

/**
 * A glob over parameter paths (state-dict keys), as written in configs: {@code *} matches any run
 * of characters, dots included, {@code ?} one character, every other character itself. The whole
 * path must match: {@code *.bias} matches {@code layers.0.bias}; {@code head.*} matches {@code
 * head.weight} but not {@code heads.weight} or {@code encoder.head.weight}.
 *
 * <p>One rule for every place a config names parameters (optimizer parameter groups, initializer
 * key patterns), so a pattern means the same everywhere. Immutable.
 */
public final class ParameterGlob {
  private final String text;
  private final Pattern pattern;

  private ParameterGlob(String text, Pattern pattern) {
    this.text = text;
    this.pattern = pattern;
  }

  /**
   * Parses a glob.
   *
   * @param yamlKey where the pattern was written (e.g. {@code no_weight_decay[1]}), for the message
   * @throws IllegalArgumentException naming {@code yamlKey} if the pattern is empty
   */
  public static ParameterGlob parse(String text, String yamlKey) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          yamlKey
              + " has an empty pattern; write a parameter path or a glob such as"
              + " head.* or *.bias");
    }
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new ParameterGlob(text, Pattern.compile(regex.toString(), Pattern.DOTALL));
  }

  /** True if the whole {@code path} matches. */
  public boolean matches(String path) {
    return pattern.matcher(path).matches();
  }

  /** The pattern as written. */
  @Override
  public String toString() {
    return text;
  }
}

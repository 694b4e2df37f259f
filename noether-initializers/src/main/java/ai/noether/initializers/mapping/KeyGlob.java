package ai.noether.initializers.mapping;

import java.util.regex.Pattern;

/**
 * A glob over state-dict keys: {@code *} matches any run of characters (dots included), {@code ?}
 * one character, every other character itself. The whole key must match, so {@code head.*}
 * matches {@code head.weight} but not {@code heads.weight} or {@code encoder.head.weight}. The
 * same rules as the optimizers' parameter-group patterns.
 */
final class KeyGlob {
  private final String text;
  private final Pattern pattern;

  private KeyGlob(String text, Pattern pattern) {
    this.text = text;
    this.pattern = pattern;
  }

  /**
   * Parses a glob.
   *
   * @param key the YAML key it was written under, for the message
   * @throws IllegalArgumentException if it is empty
   */
  static KeyGlob parse(String text, String key) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(key + " has an empty pattern; write a key or a glob such as head.*");
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
    return new KeyGlob(text, Pattern.compile(regex.toString(), Pattern.DOTALL));
  }

  boolean matches(String key) {
    return pattern.matcher(key).matches();
  }

  @Override
  public String toString() {
    return text;
  }
}

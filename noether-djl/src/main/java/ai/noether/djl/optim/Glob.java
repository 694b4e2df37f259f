package ai.noether.djl.optim;

import java.util.regex.Pattern;

/**
 * A glob over parameter paths: {@code *} matches any run of characters (dots included), {@code ?}
 * one character, everything else itself. The whole path must match: {@code *.bias} matches
 * {@code layers.0.bias}, {@code *norm*} matches {@code blocks.1.norm.weight}.
 */
final class Glob {
  private final String text;
  private final Pattern pattern;

  Glob(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a parameter pattern must not be empty");
    }
    this.text = text;
    StringBuilder regex = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    this.pattern = Pattern.compile(regex.toString());
  }

  boolean matches(String path) {
    return pattern.matcher(path).matches();
  }

  @Override
  public String toString() {
    return text;
  }
}

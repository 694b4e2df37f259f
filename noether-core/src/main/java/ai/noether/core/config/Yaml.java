package ai.noether.core.config;

import ai.noether.api.Nullable;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML into plain trees ({@code Map} in file order, {@code List}, {@code String}, {@code
 * Long}, {@code Double}, {@code Boolean}, {@code null}) while recording the line of every key and
 * list entry, and writes plain trees back as YAML. Scalars are typed the way YAML types them:
 * {@code 50} is a number, {@code 1e-3} a floating-point number, {@code true} a boolean, {@code
 * '50'} a string.
 */
final class Yaml {
  private static final YAMLFactory FACTORY =
      YAMLFactory.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
          .stringQuotingChecker(new RoundTripQuoting())
          .build();

  /** Only for {@link RoundTripQuoting}, which runs while {@link #FACTORY} writes. */
  private static final YAMLFactory PLAIN = new YAMLFactory();

  private static final ObjectMapper WRITER = new ObjectMapper(FACTORY);

  private Yaml() {}

  /** Receives the line of each key and list entry as the tree is read. */
  @FunctionalInterface
  interface LineRecorder {
    void record(String path, int line);
  }

  /** A document that is not valid YAML, or that a configuration cannot hold. */
  static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;
    final int line;

    Problem(String message, int line) {
      super(message);
      this.line = line;
    }
  }

  /**
   * Reads one YAML document.
   *
   * @param rootPath the path the document's root stands at (the empty string for a file)
   * @return the plain tree; null for an empty document
   */
  static @Nullable Object read(String text, String rootPath, LineRecorder lines) throws Problem {
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() == null) {
        return null;
      }
      Object value = readValue(p, rootPath, lines);
      if (p.nextToken() != null) {
        throw new Problem(
            "holds more than one YAML document; keep one", line(p.currentTokenLocation()));
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new Problem(
          "not valid YAML: " + summary(e.getOriginalMessage()), line(e.getLocation()));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading from a String
    }
  }

  private static @Nullable Object readValue(JsonParser p, String path, LineRecorder lines)
      throws IOException, Problem {
    JsonToken token = p.currentToken();
    switch (token) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        Map<String, Integer> keyLines = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          int line = line(p.currentTokenLocation());
          Integer earlier = keyLines.putIfAbsent(key, line);
          if (earlier != null) {
            throw new Problem(
                "key '"
                    + ConfigPath.key(path, key)
                    + "' appears twice (lines "
                    + earlier
                    + " and "
                    + line
                    + "); keep one",
                line);
          }
          lines.record(ConfigPath.key(path, key), line);
          p.nextToken();
          map.put(key, readValue(p, ConfigPath.key(path, key), lines));
        }
        return map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          String item = ConfigPath.index(path, list.size());
          lines.record(item, line(p.currentTokenLocation()));
          list.add(readValue(p, item, lines));
        }
        return list;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw new Problem(
              path + ": " + p.getText() + " is too large for a 64-bit integer",
              line(p.currentTokenLocation()));
        }
        return p.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return p.getDoubleValue();
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return p.getBooleanValue();
      }
      case VALUE_NULL -> {
        return null;
      }
      default ->
          throw new Problem(
              path + ": unsupported YAML value (" + p.getText() + ")",
              line(p.currentTokenLocation()));
    }
  }

  /** Writes a plain tree as a YAML document (no {@code ---} marker). */
  static String write(Object tree) {
    try {
      return WRITER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a plain tree is always writable", e);
    }
  }

  private static int line(JsonLocation location) {
    return location == null ? -1 : location.getLineNr();
  }

  /**
   * The parser's own words without its excerpts: SnakeYAML indents the quoted source lines and
   * positions, and starts the explanations at the left margin.
   */
  private static String summary(String message) {
    if (message == null) {
      return "syntax error";
    }
    return String.join(
        "; ",
        message.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0))).toList());
  }

  /**
   * Quotes every string that would not read back as the same string when written plain: besides
   * Jackson's own cases, {@code 1e-3}, {@code 0x1F}, {@code 1_000}, {@code yes} and the like, which
   * the parser types as numbers or booleans.
   */
  private static final class RoundTripQuoting extends StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || !readsBackAsItself(value);
    }

    private static boolean readsBackAsItself(String value) {
      try (JsonParser p = PLAIN.createParser(value)) {
        return p.nextToken() == JsonToken.VALUE_STRING
            && value.equals(p.getText())
            && p.nextToken() == null;
      } catch (IOException e) {
        return false;
      }
    }
  }
}

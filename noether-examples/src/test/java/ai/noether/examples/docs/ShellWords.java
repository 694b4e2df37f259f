package ai.noether.examples.docs;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a documented shell snippet into simple commands and their words, as a POSIX shell would
 * for the subset the docs use: {@code '...'} and {@code "..."} quoting, backslash escapes and line
 * continuations, {@code #} comments, and {@code ;}, {@code &&}, {@code ||} between commands.
 */
final class ShellWords {
  private ShellWords() {}

  /** The simple commands of {@code script}, each as its words; never null, no empty command. */
  static List<List<String>> commands(String script) {
    List<List<String>> commands = new ArrayList<>();
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    String s = script.replace("\\\n", " ");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'') {
        int end = s.indexOf('\'', i + 1);
        word = (word == null ? new StringBuilder() : word).append(s, i + 1, end);
        i = end;
      } else if (c == '"') {
        word = word == null ? new StringBuilder() : word;
        for (i++; s.charAt(i) != '"'; i++) {
          if (s.charAt(i) == '\\' && "\"\\$`".indexOf(s.charAt(i + 1)) >= 0) {
            i++;
          }
          word.append(s.charAt(i));
        }
      } else if (c == '\\') {
        word = (word == null ? new StringBuilder() : word).append(s.charAt(++i));
      } else if (c == '#' && word == null) {
        while (i + 1 < s.length() && s.charAt(i + 1) != '\n') {
          i++;
        }
      } else if (c == ' ' || c == '\t') {
        word = flush(word, words);
      } else if (c == '\n'
          || c == ';'
          || c == '&' && next(s, i) == '&'
          || c == '|' && next(s, i) == '|') {
        word = flush(word, words);
        if (c == '&' || c == '|') {
          i++;
        }
        if (!words.isEmpty()) {
          commands.add(List.copyOf(words));
          words.clear();
        }
      } else {
        word = (word == null ? new StringBuilder() : word).append(c);
      }
    }
    flush(word, words);
    if (!words.isEmpty()) {
      commands.add(List.copyOf(words));
    }
    return commands;
  }

  private static char next(String s, int i) {
    return i + 1 < s.length() ? s.charAt(i + 1) : 0;
  }

  private static StringBuilder flush(StringBuilder word, List<String> words) {
    if (word != null) {
      words.add(word.toString());
    }
    return null;
  }
}

package ai.noether.examples.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One fenced code block of a Markdown page: its language, its text, the line of its opening fence
 * and the HTML comment written on the line just before it, if any ({@code <!-- fragment:
 * trainer.callbacks -->}), which tells the documentation test how to run it.
 *
 * @param marker the comment's text without {@code <!--} and {@code -->}, trimmed; empty when none
 */
record DocBlock(Path file, int line, String language, String text, String marker) {
  private static final Pattern FENCE = Pattern.compile("^```(\\w*)\\s*$");
  private static final Pattern COMMENT = Pattern.compile("^<!--(.*)-->\\s*$");

  /** Where the block is, as messages name it: {@code docs/resume.md line 9}. */
  String where() {
    return DocumentationExamplesTest.ROOT.relativize(file) + " line " + line;
  }

  /** The blocks of {@code file} in {@code languages}, in page order. */
  static List<DocBlock> read(Path file, List<String> languages) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<DocBlock> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) {
        continue;
      }
      int start = i;
      StringBuilder text = new StringBuilder();
      for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
        text.append(lines.get(i)).append('\n');
      }
      Matcher comment = start > 0 ? COMMENT.matcher(lines.get(start - 1).strip()) : null;
      String marker = comment != null && comment.matches() ? comment.group(1).strip() : "";
      if (languages.contains(open.group(1))) {
        blocks.add(new DocBlock(file, start + 1, open.group(1), text.toString(), marker));
      }
    }
    return blocks;
  }
}

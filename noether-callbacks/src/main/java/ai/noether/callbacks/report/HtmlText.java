package ai.noether.callbacks.report;

/** Text that goes into the report's HTML, as element content or attribute value. */
final class HtmlText {
  private HtmlText() {}

  /**
   * {@code s} with {@code < > & " '} written as character references, so it is safe both between
   * tags and inside a double- or single-quoted attribute.
   */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(ch);
      }
    }
    return sb.toString();
  }
}

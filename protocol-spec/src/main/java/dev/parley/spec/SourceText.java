package dev.parley.spec;

import java.util.Arrays;

/** The decoded text of one schema file, with the start of each line for quoting it in errors. */
final class SourceText {

  private final String file;
  private final String text;
  private final int[] lineStarts;

  SourceText(String file, String text) {
    this.file = file;
    this.text = text;
    int[] starts = new int[16];
    int count = 1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // Lines end at LF, as the lexer counts them; a CR before it is stripped when quoting.
      if (c == '\n') {
        if (count == starts.length) {
          starts = Arrays.copyOf(starts, count * 2);
        }
        starts[count++] = i + 1;
      }
    }
    this.lineStarts = Arrays.copyOf(starts, count);
  }

  String file() {
    return file;
  }

  String text() {
    return text;
  }

  /**
   * The line {@code location} points into, from the file of that name among {@code sources}, as a
   * diagnostic quotes it: "" for a whole-file location or a file not among them.
   */
  static String quote(java.util.Map<String, SourceText> sources, SourceLocation location) {
    SourceText source = sources.get(location.file());
    return source == null || !location.hasPosition() ? "" : source.line(location.line());
  }

  /** The text of 1-based line {@code line} without its line break, or "" past the end. */
  String line(int line) {
    if (line < 1 || line > lineStarts.length) {
      return "";
    }
    int start = lineStarts[line - 1];
    int end = line < lineStarts.length ? lineStarts[line] : text.length();
    while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
      end--;
    }
    return text.substring(start, end);
  }
}

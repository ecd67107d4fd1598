package dev.parley.spec;

import static java.util.Objects.requireNonNull;

/**
 * One problem found in a schema, with the line of source it points into so that it can be
 * printed on its own, the way javac prints its errors:
 *
 * <pre>
 * chat.parley:7:3: error: unknown type 'Pointt'
 *   Pointt at;
 *   ^
 * </pre>
 *
 * @param sourceLine the text of the line the location points into, without its line break; empty
 *     when the problem concerns a whole file that could not be read
 */
public record Diagnostic(Severity severity, SourceLocation location, String message, String sourceLine)
    implements Comparable<Diagnostic> {

  /**
   * How bad a diagnostic is. Only errors make a schema unusable. Notes only inform (the safe
   * changes {@code parley compat} lists); they sort after warnings.
   */
  public enum Severity {
    ERROR,
    WARNING,
    NOTE;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Diagnostic {
    requireNonNull(severity, "severity");
    requireNonNull(location, "location");
    requireNonNull(message, "message");
    requireNonNull(sourceLine, "sourceLine");
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** Sorted by location, then errors before warnings before notes, then by message. */
  @Override
  public int compareTo(Diagnostic other) {
    int byLocation = location.compareTo(other.location);
    if (byLocation != 0) {
      return byLocation;
    }
    int bySeverity = severity.compareTo(other.severity);
    return bySeverity != 0 ? bySeverity : message.compareTo(other.message);
  }

  /**
   * The diagnostic as printed: {@code path:line:col: error: message}, then the source line, then
   * a caret under the column. Tabs before the column are kept so the caret lines up in a terminal.
   */
  public String format() {
    StringBuilder out = new StringBuilder()
        .append(location).append(": ").append(severity.label()).append(": ").append(message);
    if (!sourceLine.isEmpty()) {
      out.append('\n').append(sourceLine).append('\n');
      int[] codePoints = sourceLine.codePoints().toArray();
      for (int i = 0; i < location.column() - 1; i++) {
        out.append(i < codePoints.length && codePoints[i] == '\t' ? '\t' : ' ');
      }
      out.append('^');
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return location + ": " + severity.label() + ": " + message;
  }
}

package dev.parley.spec;

import static java.util.Objects.requireNonNull;

/**
 * Where something was written: a file as the user named it, and a 1-based line and column.
 * Columns count characters (Unicode code points) from the start of the line; a tab counts as one.
 * Line and column 0 mean the file as a whole, for problems such as a file that cannot be read.
 */
public record SourceLocation(String file, int line, int column) implements Comparable<SourceLocation> {

  public SourceLocation {
    requireNonNull(file, "file");
    if (line < 0 || column < 0 || (line == 0) != (column == 0)) {
      throw new IllegalArgumentException("line and column are 1-based: " + line + ":" + column);
    }
  }

  /** The file as a whole, with no position in it. */
  public static SourceLocation ofFile(String file) {
    return new SourceLocation(file, 0, 0);
  }

  /** Whether this names a position, not just a file. */
  public boolean hasPosition() {
    return line > 0;
  }

  /** Orders by file name, then line, then column: the order in which diagnostics are printed. */
  @Override
  public int compareTo(SourceLocation other) {
    int byFile = file.compareTo(other.file);
    if (byFile != 0) {
      return byFile;
    }
    int byLine = Integer.compare(line, other.line);
    return byLine != 0 ? byLine : Integer.compare(column, other.column);
  }

  /** {@code file:line:col}, the form compilers use. */
  @Override
  public String toString() {
    return hasPosition() ? file + ":" + line + ":" + column : file;
  }
}

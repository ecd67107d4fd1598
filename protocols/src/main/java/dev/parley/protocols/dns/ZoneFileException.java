package dev.parley.protocols.dns;

import java.util.List;

/**
 * A zone file that does not read: every problem found in it, each a line
 * {@code file:line: error: what is wrong}, in the order of the file. The message is those lines.
 */
public final class ZoneFileException extends Exception {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  ZoneFileException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** The problems, one {@code file:line: error: ...} line each, at least one. */
  public List<String> problems() {
    return problems;
  }
}

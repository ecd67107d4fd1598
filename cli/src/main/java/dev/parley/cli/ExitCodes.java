package dev.parley.cli;

/** The exit codes of every parley command. */
final class ExitCodes {
  static final int OK = 0;
  static final int SCHEMA_ERRORS = 1;
  /** {@code parley compat}: NEW breaks OLD. */
  static final int BREAKING_CHANGES = 1;
  static final int USAGE = 2;
  static final int INTERNAL = 3;
  static final int IO_ERROR = 4;

  private ExitCodes() {}
}

package dev.parley.cli;

/**
 * The exit codes of every parley command, as {@link ParleyCommand}'s help lists them. 1 means the
 * input has errors: the schema's for check and generate, a frame's for decode.
 */
final class ExitCodes {
  static final int OK = 0;
  static final int SCHEMA_ERRORS = 1;
  /** {@code parley compat}: NEW breaks OLD. */
  static final int BREAKING_CHANGES = 1;
  /** {@code parley decode}: a frame is malformed, too long or cut short. */
  static final int BAD_FRAME = 1;
  /** The command line is wrong, or what it names cannot be used. */
  static final int USAGE = 2;
  /** A bug in parley, reported on one line. */
  static final int INTERNAL = 3;
  /** Output could not be written. */
  static final int IO_ERROR = 4;

  private ExitCodes() {}
}

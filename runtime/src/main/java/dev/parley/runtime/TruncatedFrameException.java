package dev.parley.runtime;

/**
 * The stream ended inside a frame: in its length prefix or header, or after them.
 *
 * <p>Like {@link MalformedFrameException}, it carries no stack trace: a peer's bad bytes should
 * cost little to refuse, and the message says what and where.
 */
public final class TruncatedFrameException extends ProtocolException {

  private static final long serialVersionUID = 1L;

  private final long missing;

  public TruncatedFrameException(String message, long missing, long offset) {
    super(message, offset);
    this.missing = missing;
  }

  /** Nothing to fill: see the class comment. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }

  /** How many more bytes the frame needed. */
  public long missing() {
    return missing;
  }
}

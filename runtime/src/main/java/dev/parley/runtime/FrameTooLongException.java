package dev.parley.runtime;

/**
 * A length prefix above the protocol's maximum, refused before anything was allocated.
 *
 * <p>Like {@link MalformedFrameException}, it carries no stack trace: a peer's bad bytes should
 * cost little to refuse, and the message says what and where.
 */
public final class FrameTooLongException extends ProtocolException {

  private static final long serialVersionUID = 1L;

  private final long length;
  private final int maxFrameLength;

  public FrameTooLongException(long length, int maxFrameLength, long offset) {
    super("frame length " + length + " exceeds the maximum of " + maxFrameLength, offset);
    this.length = length;
    this.maxFrameLength = maxFrameLength;
  }

  /** Nothing to fill: see the class comment. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }

  /** The length the prefix claimed. */
  public long length() {
    return length;
  }

  public int maxFrameLength() {
    return maxFrameLength;
  }
}

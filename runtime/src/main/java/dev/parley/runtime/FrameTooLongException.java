package dev.parley.runtime;

/**
 * A frame longer than the protocol's maximum, refused as soon as its length was read, before
 * anything was allocated for it: for the prefix format a body length above
 * {@link FrameFormat#maxFrameLength()}, for a header format a whole frame above it.
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

  /**
   * The length the prefix claimed; for a header format, the size of the whole frame its length
   * claimed (at most {@link Long#MAX_VALUE}, for an unsigned 8-byte length beyond it).
   */
  public long length() {
    return length;
  }

  public int maxFrameLength() {
    return maxFrameLength;
  }
}

package dev.parley.runtime;

/** A length prefix above the protocol's maximum, refused before anything was allocated. */
public final class FrameTooLongException extends ProtocolException {

  private static final long serialVersionUID = 1L;

  private final long length;
  private final int maxFrameLength;

  public FrameTooLongException(long length, int maxFrameLength, long offset) {
    super("frame length " + length + " exceeds the maximum of " + maxFrameLength, offset);
    this.length = length;
    this.maxFrameLength = maxFrameLength;
  }

  /** The length the prefix claimed. */
  public long length() {
    return length;
  }

  public int maxFrameLength() {
    return maxFrameLength;
  }
}

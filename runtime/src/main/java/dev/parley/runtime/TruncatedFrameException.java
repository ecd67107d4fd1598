package dev.parley.runtime;

/** The stream ended inside a frame: in its length prefix or its body. */
public final class TruncatedFrameException extends ProtocolException {

  private static final long serialVersionUID = 1L;

  private final long missing;

  public TruncatedFrameException(String message, long missing, long offset) {
    super(message, offset);
    this.missing = missing;
  }

  /** How many more bytes the frame needed. */
  public long missing() {
    return missing;
  }
}

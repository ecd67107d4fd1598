package dev.parley.runtime;

import java.io.IOException;

/**
 * Bytes that are not a valid frame of the protocol. Says what was wrong and at which byte offset
 * (within the frame body, or within the stream for framing errors). Closing the connection that
 * sent it is the usual answer; nothing else needs to stop.
 */
public class ProtocolException extends IOException {

  private static final long serialVersionUID = 1L;

  private final long offset;

  public ProtocolException(String message, long offset) {
    super(message);
    this.offset = offset;
  }

  /** The byte offset the problem was found at, or -1 when it concerns no single byte. */
  public long offset() {
    return offset;
  }
}

package dev.parley.runtime;

import java.net.SocketTimeoutException;

/**
 * A frame that did not arrive whole within the frame deadline: the peer sent its first bytes and
 * then too few of the rest in time (or, on an accepted connection, sent no whole frame in time).
 * Unlike a read timeout, the connection is closed: the peer is too slow to serve.
 */
public final class FrameTimeoutException extends SocketTimeoutException {

  private static final long serialVersionUID = 1L;

  public FrameTimeoutException(String message) {
    super(message);
  }
}

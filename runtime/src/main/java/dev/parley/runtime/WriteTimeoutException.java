package dev.parley.runtime;

import java.net.SocketTimeoutException;

/**
 * A peer that took no bytes of what was written to it for the write timeout. The connection is
 * closed: part of a frame may have left, so nothing more can be sent on it.
 */
public final class WriteTimeoutException extends SocketTimeoutException {

  private static final long serialVersionUID = 1L;

  public WriteTimeoutException(String message) {
    super(message);
  }
}

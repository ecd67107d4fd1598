package dev.parley.protocols.memcached;

import java.io.IOException;
import java.util.Optional;

/** A memcached server refused a request: the response's status was not a success. */
public final class MemcachedException extends IOException {

  private static final long serialVersionUID = 1L;

  private final int status;

  /** A refusal with the header's {@code status} and the text the server sent with it. */
  public MemcachedException(int status, String text) {
    super(String.format("status 0x%04x: %s", status, text));
    this.status = status;
  }

  /** The response's status code, such as 0x0002 (key exists). */
  public int status() {
    return status;
  }

  /** The status as one of those the protocol names, if it is. */
  public Optional<MemcachedStatus> knownStatus() {
    return MemcachedStatus.of(status);
  }
}

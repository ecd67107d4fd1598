package dev.parley.runtime;

/** Why a connection closed, as its {@link Handler#onClose} is told, on either transport. */
public enum CloseReason {
  /** The peer closed its side cleanly, between frames. */
  PEER_CLOSED,
  /** This side called {@link Connection#close()}. */
  CLOSED,
  /**
   * The peer sent a frame that was too long, cut short, or did not decode. Replies queued before
   * it were sent first.
   */
  PROTOCOL_ERROR,
  /** The connection failed: reset, refused, or another I/O error. */
  IO_ERROR,
  /** Nothing was received for longer than the idle timeout. */
  IDLE_TIMEOUT,
  /**
   * A frame did not arrive whole within the frame deadline of its first byte, or an accepted
   * connection sent no whole frame within the deadline of its accept.
   */
  FRAME_TIMEOUT,
  /** The peer took none of the bytes queued for it for longer than the write timeout. */
  WRITE_TIMEOUT,
  /** The queue for a peer would have passed its hard bound, even with reading paused. */
  SLOW_PEER,
  /** The handler threw. */
  HANDLER_ERROR,
  /**
   * TLS failed: the handshake (an untrusted or misnamed certificate, a missing client
   * certificate, a peer that does not speak TLS, no version in common), a record that did not
   * verify, a refused renegotiation, or plaintext after a request to start TLS.
   */
  TLS_ERROR,
  /** The runtime could not serve the connection, such as for an {@link OutOfMemoryError}. */
  ERROR,
  /** The event loop stopped, or the server closed. */
  STOPPED;

  /**
   * Why a connection read on a thread ended, from what its read threw: a {@link BlockingServer}'s
   * handler and a request client's reader hear the same reasons the event loop gives.
   */
  static CloseReason ofRead(Exception e) {
    if (e instanceof javax.net.ssl.SSLException) {
      return TLS_ERROR;
    }
    if (e instanceof ProtocolException) {
      return PROTOCOL_ERROR;
    }
    if (e instanceof FrameTimeoutException) {
      return FRAME_TIMEOUT;
    }
    if (e instanceof WriteTimeoutException) {
      return WRITE_TIMEOUT;
    }
    if (e instanceof java.net.SocketTimeoutException) {
      return IDLE_TIMEOUT; // the idle timeout is each read's on a thread
    }
    return IO_ERROR;
  }
}

package dev.parley.runtime.nio;

/** Why a connection closed, as its {@link Handler#onClose} is told. */
public enum CloseReason {
  /** The peer closed its side cleanly, between frames. */
  PEER_CLOSED,
  /** This side called {@link NioConnection#close()}. */
  CLOSED,
  /** The peer sent a frame that was too long, cut short, or did not decode. */
  PROTOCOL_ERROR,
  /** The connection failed: reset, refused, or another I/O error. */
  IO_ERROR,
  /** Nothing was received for longer than the idle timeout. */
  IDLE_TIMEOUT,
  /** The peer did not read its replies: the queue for it would have passed its bound. */
  SLOW_PEER,
  /** The handler threw. */
  HANDLER_ERROR,
  /** The event loop stopped. */
  STOPPED
}

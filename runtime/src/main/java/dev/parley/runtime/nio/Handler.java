package dev.parley.runtime.nio;

/**
 * What a connection of an event loop does. Every method runs on the loop's thread, one event at a
 * time, so a handler needs no locks for its own state; it must not block, or every connection of
 * the loop waits. An exception from {@code onOpen} or {@code onMessage} closes that connection
 * with {@link CloseReason#HANDLER_ERROR}.
 *
 * @param <M> the protocol's messages
 */
public interface Handler<M> {

  /** The connection is established and may send. */
  default void onOpen(NioConnection<M> connection) throws Exception {}

  /** A whole message arrived. Replies sent here leave together after the current read. */
  void onMessage(NioConnection<M> connection, M message) throws Exception;

  /**
   * Everything queued for the peer has just been written: the moment for a producer that respects
   * backpressure (see {@link NioConnection#pendingBytes()}) to queue more.
   */
  default void onDrained(NioConnection<M> connection) throws Exception {}

  /**
   * The connection closed; called once per connection.
   *
   * @param cause what went wrong, or null for {@link CloseReason#PEER_CLOSED},
   *     {@link CloseReason#CLOSED} and {@link CloseReason#STOPPED}
   */
  default void onClose(NioConnection<M> connection, CloseReason reason, Throwable cause) {}
}

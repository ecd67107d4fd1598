package dev.parley.runtime;

/**
 * What a connection does with what happens to it, the same on both transports. On an event loop
 * every method runs on the loop's thread, so a handler must not block, or every connection of
 * the loop waits; on a {@link BlockingServer} every method runs on the connection's own thread,
 * which may block. Either way the methods of one connection run one at a time, so a handler
 * needs no locks for its own state. Servers take a factory of handlers, one per connection: a
 * handler's fields are that connection's state, typed. An exception from {@code onOpen},
 * {@code onMessage} or {@code onDrained} closes that connection with
 * {@link CloseReason#HANDLER_ERROR}.
 *
 * @param <I> the messages received
 * @param <O> the messages sent
 */
public interface Handler<I, O> {

  /**
   * The connection is established and may send: a server that speaks first (MySQL's handshake
   * packet) sends its greeting here.
   */
  default void onOpen(Connection<I, O> connection) throws Exception {}

  /** A whole message arrived. On the event loop, replies sent here leave together after the current read. */
  void onMessage(Connection<I, O> connection, I message) throws Exception;

  /**
   * Everything queued for the peer has just been written: the moment for a producer that respects
   * backpressure (see {@link Connection#pendingBytes()}) to queue more. Only the event loop queues.
   */
  default void onDrained(Connection<I, O> connection) throws Exception {}

  /**
   * The queue for the peer, which had reached the high-water mark ({@link Connection#isWritable()}
   * said false), is back below the low-water mark: a producer that stopped there may go on, with
   * bytes still queued, so the socket never waits for it. Netty's {@code channelWritabilityChanged}.
   * Only the event loop queues.
   */
  default void onWritable(Connection<I, O> connection) throws Exception {}

  /**
   * The connection closed; called once per connection, to the handler of its last phase.
   *
   * @param cause what went wrong, or null for {@link CloseReason#PEER_CLOSED},
   *     {@link CloseReason#CLOSED} and {@link CloseReason#STOPPED}
   */
  default void onClose(Connection<I, O> connection, CloseReason reason, Throwable cause) {}
}

package dev.parley.runtime;

import java.net.SocketAddress;
import java.util.Optional;

/**
 * A connection as a {@link Handler} sees it, the same on both transports: the event loop's
 * {@link dev.parley.runtime.nio.NioConnection}, and a {@link BlockingServer}'s connection served
 * on a thread of its own. A handler written against this moves from threads to the event loop
 * unchanged.
 *
 * @param <I> the messages received
 * @param <O> the messages sent
 */
public interface Connection<I, O> {

  /**
   * Sends {@code message}: on the event loop it is queued and leaves after the current event; on
   * a thread it is written before this returns. A failure to write closes nothing at once: frames
   * that arrived before it are still handed over, and the failure is the close cause the handler
   * hears.
   *
   * @return false if the connection is closed, closing or can no longer write (nothing was sent)
   * @throws IllegalArgumentException if the message does not encode; nothing was sent
   */
  boolean send(O message);

  /** Closes the connection now, dropping what is queued; the handler hears {@link CloseReason#CLOSED}. */
  void close();

  /**
   * Closes the connection once what is queued has been written (within the write timeout), reading
   * nothing more: the end of a session, such as the answer to PostgreSQL's Terminate. The handler
   * hears {@link CloseReason#CLOSED}. On a thread, where sends have been written already, it is
   * {@link #close()}.
   */
  void closeWhenSent();

  /** Whether the connection is open, or still connecting. */
  boolean isOpen();

  /** The peer's address, once connected. */
  Optional<SocketAddress> remoteAddress();

  /** What the connection receives and sends now. */
  Conversation<I, O> conversation();

  /** Bytes queued for the peer and not yet taken by its socket: always 0 on a thread, which writes before send returns. */
  int pendingBytes();

  /**
   * Whether fewer bytes than the high-water mark of its {@link ConnectionOptions} are queued, from
   * any thread. Once it says false, {@link Handler#onWritable} follows when the queue falls below
   * the low-water mark. Always true on an open connection served on a thread, which writes before
   * send returns.
   */
  boolean isWritable();

  /**
   * Changes the conversation between two frames: every frame after the one being handled is cut
   * and decoded as {@code next} receives, and goes to {@code handler}; every message sent after
   * this call is written as {@code next} sends, after those already queued. Bytes of the next
   * phase that arrived with the last frame of this one are kept. Call it from the handler, on
   * the connection's own thread (the event loop's, or the one serving it).
   *
   * @return this connection, typed for {@code next}; the old-typed reference must not send again
   * @throws IllegalStateException if called from another thread, or after the connection closed
   */
  <J, P> Connection<J, P> switchTo(Conversation<J, P> next, Handler<J, P> handler);

  /**
   * Starts TLS between two frames: what was sent before this call leaves in plaintext (the
   * {@code S} that answers PostgreSQL's SSLRequest), then the handshake, under the frame deadline;
   * every byte after it, both ways, travels in TLS records. Frames wait for the handshake; a
   * handler that changes the conversation as well calls {@link #switchTo} after this. Call it from
   * the handler, on the connection's own thread; on a thread, the handshake is done when it
   * returns.
   *
   * <p>Bytes that arrived after the frame being handled, before the handshake, are refused (the
   * connection closes with {@link CloseReason#TLS_ERROR}): the peer must wait for the answer
   * before it starts TLS, so such bytes are plaintext that anyone on the path could have put there.
   *
   * @return false if the connection closed, for that or because the handshake failed
   * @throws IllegalStateException if called from another thread, or when TLS has started already
   */
  boolean startTls(Tls settings);
}

package dev.parley.runtime.nio;

import dev.parley.runtime.FrameReader;
import dev.parley.runtime.FrameWriter;
import dev.parley.runtime.ProtocolException;
import dev.parley.runtime.Protocol;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * One connection of an {@link EventLoop}. {@link #send} may be called from any thread; the rest
 * of the work (reading, decoding, writing, closing) happens on the loop's thread.
 *
 * @param <M> the protocol's messages
 */
public final class NioConnection<M> {

  /** Reads per readiness event, so that one busy peer cannot starve the others. */
  private static final int READS_PER_EVENT = 16;

  private final EventLoop loop;
  private final SocketChannel channel;
  private final Protocol<M> protocol;
  private final Handler<M> handler;
  private final ConnectionOptions options;
  private final FrameReader reader;
  private final FrameWriter<M> writer;
  private SelectionKey key;
  private boolean open;
  private boolean inputEnded;
  private boolean scheduledFlush;
  private volatile boolean closed;
  private long lastReceived;
  private volatile Object attachment;

  NioConnection(EventLoop loop, SocketChannel channel, Protocol<M> protocol, Handler<M> handler,
      ConnectionOptions options) {
    this.loop = loop;
    this.channel = channel;
    this.protocol = protocol;
    this.handler = handler;
    this.options = options;
    this.reader = new FrameReader(protocol.frameFormat());
    int maxPending = Math.max(options.maxPendingBytes(),
        protocol.frameFormat().lengthSize() + protocol.frameFormat().maxFrameLength());
    this.writer = new FrameWriter<>(protocol, maxPending);
    this.lastReceived = System.nanoTime();
  }

  public Protocol<M> protocol() {
    return protocol;
  }

  /** The peer's address, once connected. */
  public Optional<SocketAddress> remoteAddress() {
    try {
      return Optional.ofNullable(channel.getRemoteAddress());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether the connection is open, or still connecting. */
  public boolean isOpen() {
    return !closed;
  }

  /** Bytes queued for the peer and not yet taken; read on the loop's thread for an exact figure. */
  public int pendingBytes() {
    return writer.pending();
  }

  /** The bound on {@link #pendingBytes()}: the backpressure limit of this connection. */
  public int maxPendingBytes() {
    return writer.maxPending();
  }

  /** Something of the caller's to keep with the connection, such as a session. */
  public Object attachment() {
    return attachment;
  }

  public void attach(Object value) {
    this.attachment = value;
  }

  /**
   * Queues {@code message} for the peer. On the loop's thread the frame is encoded at once and
   * leaves after the current event (replies to a read go out together); from another thread it
   * is handed to the loop. A frame that would take the queue past {@link #maxPendingBytes()}
   * closes the connection with {@link CloseReason#SLOW_PEER}.
   *
   * @return false if the connection is closed, or this send closed it
   */
  public boolean send(M message) {
    if (closed) {
      return false;
    }
    if (!loop.inLoop()) {
      loop.execute(() -> send(message));
      return true;
    }
    if (!writer.enqueue(message)) {
      close(CloseReason.SLOW_PEER, new IOException("peer is not reading: " + writer.pending()
          + " bytes queued, bound " + writer.maxPending()));
      return false;
    }
    if (open && !scheduledFlush) {
      scheduledFlush = true;
      loop.flushLater(this);
    }
    return true;
  }

  /** Closes the connection now, dropping what is queued; the handler hears {@link CloseReason#CLOSED}. */
  public void close() {
    if (loop.inLoop()) {
      close(CloseReason.CLOSED, null);
    } else {
      loop.execute(() -> close(CloseReason.CLOSED, null));
    }
  }

  // ---- On the loop's thread -------------------------------------------------------------------

  void opened(SelectionKey key) {
    this.key = key;
    this.open = true;
    key.interestOps(SelectionKey.OP_READ);
    try {
      handler.onOpen(this);
    } catch (Exception e) {
      close(CloseReason.HANDLER_ERROR, e);
      return;
    }
    if (writer.hasPending()) {
      flush(); // sends made before the connection was established
    }
  }

  void readable() {
    try {
      for (int reads = 0; reads < READS_PER_EVENT && !closed; reads++) {
        int n = reader.readFrom(channel);
        if (n > 0) {
          lastReceived = System.nanoTime();
        }
        dispatchFrames();
        if (n < 0) {
          reader.endOfStream();
          inputEnded();
          return;
        }
        if (n == 0) {
          return;
        }
      }
    } catch (ProtocolException e) {
      close(CloseReason.PROTOCOL_ERROR, e);
    } catch (IOException e) {
      close(CloseReason.IO_ERROR, e);
    }
  }

  private void dispatchFrames() throws ProtocolException {
    for (ByteBuffer body = reader.nextFrame(); body != null && !closed; body = reader.nextFrame()) {
      M message = protocol.decode(body);
      try {
        handler.onMessage(this, message);
      } catch (Exception e) {
        close(CloseReason.HANDLER_ERROR, e);
        return;
      }
    }
  }

  /** The peer closed its side: finish sending what is queued, then close. */
  private void inputEnded() {
    inputEnded = true;
    if (writer.hasPending()) {
      key.interestOps(SelectionKey.OP_WRITE);
    } else {
      close(CloseReason.PEER_CLOSED, null);
    }
  }

  /** Writes what the peer will take; asks for OP_WRITE only while something is left. */
  void flush() {
    scheduledFlush = false;
    if (closed || !open) {
      return;
    }
    boolean hadPending = writer.hasPending();
    try {
      boolean empty = writer.flushTo(channel);
      if (empty && inputEnded) {
        close(CloseReason.PEER_CLOSED, null);
        return;
      }
      int read = inputEnded ? 0 : SelectionKey.OP_READ;
      key.interestOps(empty ? read : read | SelectionKey.OP_WRITE);
      if (empty && hadPending) {
        handler.onDrained(this);
      }
    } catch (IOException e) {
      close(CloseReason.IO_ERROR, e);
    } catch (Exception e) {
      close(CloseReason.HANDLER_ERROR, e);
    }
  }

  boolean hasPending() {
    return writer.hasPending();
  }

  boolean idleLongerThan(long nanos, long now) {
    return open && now - lastReceived > nanos;
  }

  ConnectionOptions options() {
    return options;
  }

  void close(CloseReason reason, Throwable cause) {
    if (closed) {
      return;
    }
    closed = true;
    if (key != null) {
      key.cancel();
    }
    try {
      channel.close();
    } catch (IOException e) {
      // It is closed all the same.
    }
    loop.forget(this);
    handler.onClose(this, reason, cause);
  }

  SocketChannel channel() {
    return channel;
  }
}

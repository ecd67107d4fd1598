package dev.parley.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection that sends and receives messages with blocking I/O: a thread per connection.
 *
 * <p>{@link #receive()} reads until a whole frame has arrived, however the bytes are split, and
 * keeps what follows it for the next call; it returns empty when the peer closes cleanly between
 * frames, and throws {@link ProtocolException} when the stream ends inside a frame or a frame is
 * malformed (the connection is then closed: its stream position is lost). A read timeout throws
 * {@link java.net.SocketTimeoutException} and loses nothing: a later {@code receive} goes on where
 * the stream stopped. {@link #send} may be called from several threads at once; {@code receive}
 * from one thread at a time. {@link #close()} is idempotent.
 *
 * @param <M> the protocol's messages
 */
public final class BlockingConnection<M> implements Closeable {

  private final Protocol<M> protocol;
  private final InputStream in;
  private final OutputStream out;
  private final Socket socket;
  private final Closeable resource;
  private final FrameReader reader;
  private final FrameWriter<M> writer;
  private final Object readLock = new Object();
  private final Object writeLock = new Object();
  private volatile boolean closed;

  private BlockingConnection(Protocol<M> protocol, InputStream in, OutputStream out, Socket socket,
      Closeable resource) {
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.in = in;
    this.out = out;
    this.socket = socket;
    this.resource = resource;
    this.reader = new FrameReader(protocol.frameFormat());
    this.writer = new FrameWriter<>(protocol);
  }

  /** A connection over a connected socket, which it now owns. */
  public static <M> BlockingConnection<M> over(Socket socket, Protocol<M> protocol) throws IOException {
    socket.setTcpNoDelay(true);
    return new BlockingConnection<>(protocol, socket.getInputStream(), socket.getOutputStream(), socket, socket);
  }

  /**
   * A connection over a connected channel in blocking mode, which it now owns. Reads go through
   * the channel's socket, so that {@link #setReadTimeout} works.
   */
  public static <M> BlockingConnection<M> over(SocketChannel channel, Protocol<M> protocol) throws IOException {
    if (!channel.isBlocking()) {
      throw new IllegalArgumentException("channel is in non-blocking mode; use the event loop");
    }
    return over(channel.socket(), protocol);
  }

  /** A connection over a pair of streams, which it now owns; no timeouts, no half-close. */
  public static <M> BlockingConnection<M> over(InputStream in, OutputStream out, Protocol<M> protocol) {
    return new BlockingConnection<>(protocol, in, out, null, () -> {
      try (in; out) {
        // closes both, the output even if closing the input fails
      }
    });
  }

  /** Connects to {@code address}, waiting at most {@code timeout}. */
  public static <M> BlockingConnection<M> connect(InetSocketAddress address, Protocol<M> protocol,
      Duration timeout) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(address, Math.toIntExact(Math.max(1, timeout.toMillis())));
      return over(socket, protocol);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  public Protocol<M> protocol() {
    return protocol;
  }

  /** The peer's address, when the connection is over a socket. */
  public Optional<SocketAddress> remoteAddress() {
    return socket == null ? Optional.empty() : Optional.ofNullable(socket.getRemoteSocketAddress());
  }

  /**
   * Waits at most {@code timeout} in each read of {@link #receive()}; {@link Duration#ZERO}
   * waits forever. Only for connections over a socket.
   */
  public void setReadTimeout(Duration timeout) throws IOException {
    if (socket == null) {
      throw new UnsupportedOperationException("read timeouts need a socket");
    }
    socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
  }

  /** Sends one message, returning once the socket has taken every byte of its frame. */
  public void send(M message) throws IOException {
    synchronized (writeLock) {
      ensureOpen();
      if (!writer.enqueue(message)) {
        throw new IllegalStateException("unreachable: the queue is flushed after every send");
      }
      writer.flushTo(out);
    }
  }

  /** Sends several messages, as few writes as the queue bound allows. */
  public void sendAll(Collection<? extends M> messages) throws IOException {
    synchronized (writeLock) {
      ensureOpen();
      for (M message : messages) {
        if (!writer.enqueue(message)) {
          writer.flushTo(out);
          writer.enqueue(message);
        }
      }
      writer.flushTo(out);
    }
  }

  /**
   * The next message; empty when the peer closed the stream cleanly between frames.
   *
   * @throws ProtocolException if the stream ended inside a frame, a frame was too long or did not
   *     decode; the connection is closed
   * @throws java.net.SocketTimeoutException if a read timeout passed; nothing is lost
   */
  public Optional<M> receive() throws IOException {
    synchronized (readLock) {
      ensureOpen();
      try {
        while (true) {
          ByteBuffer body = reader.nextFrame();
          if (body != null) {
            return Optional.of(protocol.decode(body));
          }
          if (reader.readFrom(in) < 0) {
            reader.endOfStream();
            return Optional.empty();
          }
        }
      } catch (ProtocolException e) {
        close();
        throw e;
      }
    }
  }

  /** What {@link #receiveAll} does with each message; it may send on the same connection. */
  @FunctionalInterface
  public interface MessageHandler<M> {
    void onMessage(M message) throws IOException;
  }

  /**
   * Receives until the peer closes the stream cleanly, handing each message to {@code handler} in
   * order: the loop of a thread that serves one connection. It does what calling
   * {@link #receive()} until it is empty does, but takes the read lock once per read from the
   * socket instead of once per message, which matters when many small frames arrive together.
   *
   * @return the number of messages handled
   * @throws ProtocolException as {@link #receive()} does; the connection is closed
   * @throws IOException from a read, or from {@code handler}, which ends the loop at once
   */
  public long receiveAll(MessageHandler<? super M> handler) throws IOException {
    long count = 0;
    while (true) {
      synchronized (readLock) {
        ensureOpen();
        try {
          for (ByteBuffer body = reader.nextFrame(); body != null; body = reader.nextFrame()) {
            handler.onMessage(protocol.decode(body));
            count++;
          }
          if (reader.readFrom(in) < 0) {
            reader.endOfStream();
            return count;
          }
        } catch (ProtocolException e) {
          close();
          throw e;
        }
      }
    }
  }

  /**
   * Says "I am done sending, still listening": the peer's reads end cleanly after the frames
   * already sent, and this side can go on receiving. Needs a socket.
   */
  public void shutdownOutput() throws IOException {
    if (socket == null) {
      synchronized (writeLock) {
        out.close();
      }
      return;
    }
    synchronized (writeLock) {
      socket.shutdownOutput();
    }
  }

  public boolean isOpen() {
    return !closed;
  }

  /** Closes the connection and its socket or streams; a thread blocked in receive gets an error. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    resource.close();
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new java.nio.channels.ClosedChannelException();
    }
  }
}

package dev.parley.runtime;

import dev.parley.runtime.internal.TlsChannel;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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
 * <p>What the connection receives and what it sends are two protocols, a {@link Conversation}, each
 * with its own frame layout; a protocol the same both ways is the usual case
 * ({@code BlockingConnection.connect(address, protocol, timeout)}). {@link #switchTo} changes the
 * conversation between two frames (a phase), keeping the bytes already read.
 *
 * <p>Deadlines (over a socket): once the first byte of a frame has arrived, the whole frame must
 * arrive within the frame timeout, or {@code receive} throws {@link FrameTimeoutException} and the
 * connection closes; a write that does not get a 64 KiB piece (or the whole, when smaller) into the
 * socket within the write timeout fails with {@link WriteTimeoutException} and the connection
 * closes, so a peer must take at least 64 KiB per write timeout. Both are 30 s unless set
 * otherwise. Both exceptions are {@link java.net.SocketTimeoutException}s, but unlike a read
 * timeout they close the connection: catch them before {@code SocketTimeoutException}.
 *
 * <p>A failed write never leaves part of a frame to be sent again: the connection stops writing.
 * Reading goes on, so frames that arrived whole before the peer went away are still received;
 * once they are taken, {@code receive} throws the write's failure. On a connection a
 * {@link BlockingServer} serves, {@code send} does not throw for that failure (the handler goes on
 * receiving the frames that arrived, and the failure ends it at the next read, reported through the
 * server's error hook); elsewhere {@code send} throws it, and every later {@code send} fails too.
 *
 * @param <I> the messages received
 * @param <O> the messages sent
 */
public final class BlockingConnection<I, O> implements Closeable {

  /** The default frame deadline and write timeout of a connection over a socket. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The most bytes one write to a socket offers, so that the write timeout measures progress. */
  private static final int WRITE_CHUNK = 64 * 1024;

  // Not final: a phase change replaces them, between two frames, holding both locks.
  private volatile Conversation<I, O> conversation;
  // Not final: starting TLS replaces them with the TLS channel's, holding both locks.
  private InputStream in;
  private OutputStream out;
  private final Socket socket;
  /** The TLS records the connection's bytes travel in, once TLS has started; null for plaintext. */
  private volatile TlsChannel tls;
  /** The socket's own streams, under TLS if it starts; null for a connection over streams. */
  private SocketBytes socketBytes;
  /** The name a client connected to, for TLS to verify; null when it connected to an address. */
  private String peerHost;
  private final Closeable resource;
  private final FrameReader reader;
  private final FrameWriter<O> writer;
  private final Object readLock = new Object();
  private final Object writeLock = new Object();
  private volatile boolean closed;
  /** Whether a failed write is kept for the next read instead of thrown by send (server side). */
  private boolean deferSendFailures;
  private volatile int readTimeoutMillis;
  /** The timeout the socket has now, to set it only when it changes. */
  private volatile int socketTimeoutMillis;
  private volatile long frameTimeoutNanos;
  /** When the frame being received must be whole, or 0 when no deadline runs. */
  private long frameDeadline;
  private volatile long writeTimeoutNanos;
  /** When the chunk being written started, or 0 when no write is under way. */
  private volatile long writeStarted;
  private volatile boolean writeTimedOut;
  /** A thread is in a read of the socket: closing must not read it too. */
  private volatile boolean reading;
  /** Why writing stopped, once a write failed. */
  private volatile IOException outputFailed;

  private BlockingConnection(Conversation<I, O> conversation, InputStream in, OutputStream out, Socket socket,
      Closeable resource) {
    Objects.requireNonNull(conversation, "conversation");
    this.conversation = conversation;
    this.in = in;
    this.out = out;
    this.socket = socket;
    this.resource = resource;
    this.reader = new FrameReader(conversation.receives().frameFormat());
    this.writer = new FrameWriter<>(conversation.sends());
  }

  /** A connection over a connected socket, which it now owns; 30 s frame and write timeouts. */
  public static <M> BlockingConnection<M, M> over(Socket socket, Protocol<M> protocol) throws IOException {
    return over(socket, Conversation.of(protocol));
  }

  /** A connection over a connected socket that receives and sends as {@code conversation} says. */
  public static <I, O> BlockingConnection<I, O> over(Socket socket, Conversation<I, O> conversation)
      throws IOException {
    socket.setTcpNoDelay(true);
    BlockingConnection<I, O> connection =
        new BlockingConnection<>(conversation, socket.getInputStream(), socket.getOutputStream(), socket, socket);
    connection.socketBytes = connection.new SocketBytes(connection.in, connection.out);
    connection.socketTimeoutMillis = socket.getSoTimeout();
    connection.readTimeoutMillis = connection.socketTimeoutMillis;
    connection.setFrameTimeout(DEFAULT_TIMEOUT);
    connection.setWriteTimeout(DEFAULT_TIMEOUT);
    return connection;
  }

  /**
   * A connection a server accepted: its first frame must arrive within the frame timeout from now,
   * and a failed reply does not throw from send (see the class comment).
   */
  static <I, O> BlockingConnection<I, O> accepted(Socket socket, Conversation<I, O> conversation,
      ConnectionOptions options) throws IOException {
    // TLS, if the options ask for it, starts on the connection's own thread: see BlockingServer.
    BlockingConnection<I, O> connection = over(socket, conversation);
    connection.deferSendFailures = true;
    connection.apply(options);
    if (connection.frameTimeoutNanos > 0) {
      connection.frameDeadline = System.nanoTime() + connection.frameTimeoutNanos;
    }
    return connection;
  }

  /**
   * A connection over a connected channel in blocking mode, which it now owns. Reads go through
   * the channel's socket, so that {@link #setReadTimeout} works.
   */
  public static <M> BlockingConnection<M, M> over(SocketChannel channel, Protocol<M> protocol) throws IOException {
    if (!channel.isBlocking()) {
      throw new IllegalArgumentException("channel is in non-blocking mode; use the event loop");
    }
    return over(channel.socket(), protocol);
  }

  /** A connection over a pair of streams, which it now owns; no timeouts, no half-close. */
  public static <M> BlockingConnection<M, M> over(InputStream in, OutputStream out, Protocol<M> protocol) {
    return over(in, out, Conversation.of(protocol));
  }

  /** A connection over a pair of streams that receives and sends as {@code conversation} says. */
  public static <I, O> BlockingConnection<I, O> over(InputStream in, OutputStream out,
      Conversation<I, O> conversation) {
    return new BlockingConnection<>(conversation, in, out, null, () -> {
      try (in; out) {
        // closes both, the output even if closing the input fails
      }
    });
  }

  /** Connects to {@code address}, waiting at most {@code timeout}. */
  public static <M> BlockingConnection<M, M> connect(InetSocketAddress address, Protocol<M> protocol,
      Duration timeout) throws IOException {
    return connect(address, Conversation.of(protocol), timeout);
  }

  /** Connects to {@code address}, waiting at most {@code timeout}, to receive and send as {@code conversation} says. */
  public static <I, O> BlockingConnection<I, O> connect(InetSocketAddress address, Conversation<I, O> conversation,
      Duration timeout) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(address, Math.toIntExact(Math.max(1, timeout.toMillis())));
      BlockingConnection<I, O> connection = over(socket, conversation);
      connection.peerHost = address.getHostString();
      return connection;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Connects to {@code address} within {@code options}' frame timeout (30 s when it has none) and
   * applies the options; with {@link ConnectionOptions#tls()} set, the TLS handshake is done, under
   * the frame deadline, before this returns.
   *
   * @throws javax.net.ssl.SSLException if the handshake failed (an untrusted certificate, a host
   *     name the certificate does not name); the connection is closed
   * @throws FrameTimeoutException if the handshake did not finish within the frame timeout
   */
  public static <I, O> BlockingConnection<I, O> connect(InetSocketAddress address, Conversation<I, O> conversation,
      ConnectionOptions options) throws IOException {
    Duration timeout = options.frameTimeout().isZero() ? DEFAULT_TIMEOUT : options.frameTimeout();
    BlockingConnection<I, O> connection = connect(address, conversation, timeout);
    try {
      connection.apply(options);
      if (options.tls().isPresent()) {
        connection.startTls(options.tls().get());
      }
      return connection;
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** As {@link #connect(InetSocketAddress, Conversation, ConnectionOptions)}, for a symmetric protocol. */
  public static <M> BlockingConnection<M, M> connect(InetSocketAddress address, Protocol<M> protocol,
      ConnectionOptions options) throws IOException {
    return connect(address, Conversation.of(protocol), options);
  }

  /**
   * Starts TLS between two frames, as {@link Connection#startTls} describes, and does the whole
   * handshake before it returns, under the frame deadline. Call it between a {@code receive} and
   * the next (it waits for other threads' sends and receives). Bytes already read after the last
   * frame taken are refused: the peer must wait for the answer before it starts TLS.
   *
   * @throws javax.net.ssl.SSLException if the handshake failed, or plaintext bytes followed the
   *     last frame; the connection is closed
   * @throws FrameTimeoutException if the handshake did not finish within the frame timeout; the
   *     connection is closed
   * @throws IllegalStateException if TLS has started already
   */
  public void startTls(Tls settings) throws IOException {
    Objects.requireNonNull(settings, "settings");
    if (socket == null) {
      throw new UnsupportedOperationException("TLS needs a socket");
    }
    synchronized (readLock) {
      synchronized (writeLock) {
        ensureOpen();
        if (tls != null) {
          throw new IllegalStateException("TLS has started already");
        }
        try {
          if (reader.buffered() > 0) {
            throw new javax.net.ssl.SSLException(reader.buffered() + " plaintext bytes followed the request to start"
                + " TLS, before the handshake: refused, since anyone on the path could have put them there");
          }
          SocketAddress remote = socket.getRemoteSocketAddress();
          InetSocketAddress address = remote instanceof InetSocketAddress inet ? inet : null;
          String host = peerHost != null ? peerHost : address == null ? null : address.getHostString();
          TlsChannel channel = new TlsChannel(settings.newEngine(host, address == null ? -1 : address.getPort()),
              socketBytes);
          try {
            handshake(channel);
          } catch (IOException | RuntimeException e) {
            alert(channel);
            throw e;
          }
          tls = channel;
          in = new TlsInput(channel);
          out = new TlsOutput(channel);
        } catch (IOException | RuntimeException e) {
          close();
          throw e;
        }
      }
    }
  }

  /** Tells the peer why the handshake failed (the engine's alert), if the socket takes it at once. */
  private void alert(TlsChannel channel) {
    WriteWatchdog.INSTANCE.watch(this);
    writeStarted = System.nanoTime() | 1;
    try {
      channel.closeOutbound();
    } catch (IOException | RuntimeException e) {
      // the peer is gone: nothing to tell
    } finally {
      writeStarted = 0;
      WriteWatchdog.INSTANCE.unwatch(this);
    }
  }

  /** Does the whole handshake, each read within what is left of the frame deadline. */
  private void handshake(TlsChannel channel) throws IOException {
    if (frameTimeoutNanos > 0) {
      socketBytes.deadline = System.nanoTime() + frameTimeoutNanos;
    }
    try {
      while (!channel.handshake()) {
        // a blocking socket moves it on at every turn
      }
    } catch (SocketTimeoutException e) {
      FrameTimeoutException timeout = new FrameTimeoutException("the TLS handshake did not finish within "
          + TimeUnit.NANOSECONDS.toMillis(frameTimeoutNanos) + " ms");
      timeout.initCause(e);
      throw timeout;
    } finally {
      socketBytes.deadline = 0;
    }
  }

  /** Whether the connection's bytes travel in TLS records. */
  public boolean isSecure() {
    return tls != null;
  }

  /** The TLS session, once TLS has started: the peer's certificates, the protocol and cipher. */
  public Optional<javax.net.ssl.SSLSession> tlsSession() {
    TlsChannel channel = tls;
    return channel == null ? Optional.empty() : Optional.of(channel.engine().getSession());
  }

  /**
   * The socket's streams as a channel, for TLS to carry its records in. During the handshake
   * each read waits at most what is left of the frame deadline.
   */
  private final class SocketBytes implements java.nio.channels.ByteChannel {
    private final InputStream input;
    private final OutputStream output;
    /** When the handshake must be done, or 0 when none is under way. */
    volatile long deadline;

    SocketBytes(InputStream input, OutputStream output) {
      this.input = input;
      this.output = output;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      long due = deadline;
      if (due != 0) {
        long left = due - System.nanoTime();
        if (left <= 0) {
          throw new SocketTimeoutException("the deadline passed");
        }
        socketTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000)));
      }
      int n = input.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
      if (n > 0) {
        dst.position(dst.position() + n);
      }
      return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int n = src.remaining();
      output.write(src.array(), src.arrayOffset() + src.position(), n);
      src.position(src.limit());
      return n;
    }

    @Override
    public boolean isOpen() {
      return !socket.isClosed();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Plaintext read from a TLS channel over a blocking socket. */
  private static final class TlsInput extends InputStream {
    private final TlsChannel channel;

    TlsInput(TlsChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      ByteBuffer dst = ByteBuffer.wrap(bytes, offset, length);
      int n;
      do {
        n = channel.read(dst); // 0 only for a record with no application bytes, such as a ticket
      } while (n == 0);
      return n;
    }
  }

  /** Plaintext written to a TLS channel over a blocking socket. */
  private static final class TlsOutput extends OutputStream {
    private final TlsChannel channel;

    TlsOutput(TlsChannel channel) {
      this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      ByteBuffer src = ByteBuffer.wrap(bytes, offset, length);
      while (src.hasRemaining()) {
        channel.write(src);
      }
    }
  }

  /** What the connection receives and sends now. */
  public Conversation<I, O> conversation() {
    return conversation;
  }

  /**
   * Changes the conversation between two frames: the next {@link #receive} cuts and decodes
   * frames as {@code next} receives, starting with the bytes already read after the last frame
   * taken (kept, not lost), and the next {@link #send} writes as {@code next} sends. PostgreSQL's
   * client sends its untagged StartupMessage, then switches to the tagged frontend and backend
   * protocols; its server does the same after reading it. Call it between a {@code receive} and
   * the next, not while another thread sends or receives (it waits for them).
   *
   * @return this connection, typed for {@code next}; the old-typed reference must not be used to
   *     send again (its messages would not encode)
   */
  @SuppressWarnings("unchecked")
  public <J, P> BlockingConnection<J, P> switchTo(Conversation<J, P> next) {
    Objects.requireNonNull(next, "next");
    BlockingConnection<J, P> switched = (BlockingConnection<J, P>) this;
    synchronized (readLock) {
      synchronized (writeLock) {
        reader.reformat(next.receives().frameFormat());
        writer.reframe(next.sends()); // the same writer, as the same connection is
        switched.conversation = next;
      }
    }
    return switched;
  }

  /**
   * Applies {@code options}' idle (here: read), frame and write timeouts; the event loop's queue
   * bounds do not apply to a connection whose writes block. Only for connections over a socket.
   */
  public void apply(ConnectionOptions options) throws IOException {
    setReadTimeout(options.idleTimeout());
    setFrameTimeout(options.frameTimeout());
    setWriteTimeout(options.writeTimeout());
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
    readTimeoutMillis = millis(timeout); // the next read applies it: only the reading thread sets the socket's
  }

  /**
   * Once the first byte of a frame has arrived, the whole frame must arrive within
   * {@code timeout}, or {@link #receive()} throws {@link FrameTimeoutException} and the connection
   * closes; {@link Duration#ZERO} for no deadline. Only for connections over a socket.
   */
  public void setFrameTimeout(Duration timeout) {
    if (socket == null) {
      throw new UnsupportedOperationException("frame timeouts need a socket");
    }
    frameTimeoutNanos = timeout.toNanos();
    if (frameTimeoutNanos == 0) {
      frameDeadline = 0;
    }
  }

  /**
   * A write that the peer takes no byte of for {@code timeout} fails with
   * {@link WriteTimeoutException} and closes the connection; {@link Duration#ZERO} for none.
   * Only for connections over a socket.
   */
  public void setWriteTimeout(Duration timeout) {
    if (socket == null) {
      throw new UnsupportedOperationException("write timeouts need a socket");
    }
    writeTimeoutNanos = timeout.toNanos();
  }

  private static int millis(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("negative timeout: " + timeout);
    }
    long millis = timeout.toMillis();
    return millis == 0 && !timeout.isZero() ? 1 : (int) Math.min(Integer.MAX_VALUE, millis);
  }

  private void socketTimeout(int millis) throws IOException {
    if (millis != socketTimeoutMillis) {
      socket.setSoTimeout(millis);
      socketTimeoutMillis = millis;
    }
  }

  /**
   * Sends one message, returning once the socket has taken every byte of its frame.
   *
   * @throws IllegalArgumentException if the message does not encode; nothing was sent
   * @throws IOException if the write failed, or an earlier one did; nothing more can be sent
   */
  public void send(O message) throws IOException {
    synchronized (writeLock) {
      if (!writable()) {
        return;
      }
      if (!writer.enqueue(message)) {
        throw new IllegalStateException("unreachable: the queue is flushed after every send");
      }
      flush();
    }
  }

  /**
   * Sends several messages, in as few writes as the queue bound allows.
   *
   * @throws IllegalArgumentException if a message does not encode: the ones before it were sent,
   *     none after it
   */
  public void sendAll(Collection<? extends O> messages) throws IOException {
    synchronized (writeLock) {
      if (!writable()) {
        return;
      }
      for (O message : messages) {
        boolean queued;
        try {
          queued = writer.enqueue(message);
        } catch (RuntimeException e) {
          flush(); // the messages before the one that does not encode are sent; none after it
          throw e;
        }
        if (!queued) {
          if (!flush()) {
            return;
          }
          writer.enqueue(message);
        }
      }
      flush();
    }
  }

  /** Whether a send may write: false when a failure is kept for the next read instead. */
  private boolean writable() throws IOException {
    ensureOpen();
    IOException failed = outputFailed;
    if (failed == null) {
      return true;
    }
    if (deferSendFailures) {
      return false;
    }
    throw new IOException("an earlier write failed: " + failed.getMessage(), failed);
  }

  /** Writes what is queued; on failure drops it, so no part of a frame is ever sent twice. */
  private boolean flush() throws IOException {
    try {
      if (socket == null || writeTimeoutNanos == 0) {
        writer.flushTo(out);
      } else {
        writer.flushTo(watchedOutput);
      }
      return true;
    } catch (IOException e) {
      writer.discard();
      IOException failure = writeTimedOut
          ? new WriteTimeoutException("the peer took no bytes for " + TimeUnit.NANOSECONDS.toMillis(writeTimeoutNanos)
              + " ms; the connection is closed")
          : e;
      if (failure != e) {
        failure.initCause(e);
      }
      outputFailed = failure;
      if (writeTimedOut) {
        close();
      }
      if (deferSendFailures) {
        return false;
      }
      throw failure;
    }
  }

  /** The socket's stream, offered at most a chunk at a time, each stamped for the watchdog. */
  private final OutputStream watchedOutput = new OutputStream() {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      // Watched only while writing, so that the watchdog holds no connection that is not.
      WriteWatchdog.INSTANCE.watch(BlockingConnection.this);
      try {
        while (length > 0) {
          int n = Math.min(length, WRITE_CHUNK);
          writeStarted = System.nanoTime() | 1; // never 0, which means "no write under way"
          out.write(bytes, offset, n);
          offset += n;
          length -= n;
        }
      } finally {
        writeStarted = 0;
        WriteWatchdog.INSTANCE.unwatch(BlockingConnection.this);
      }
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }
  };

  /** Closes the connection if its write has made no progress for the write timeout (watchdog). */
  void checkWrite(long now) {
    long started = writeStarted;
    long timeout = writeTimeoutNanos;
    if (started != 0 && timeout > 0 && now - started > timeout) {
      try {
        if (!closed) {
          writeTimedOut = true;
          close();
        } else {
          resource.close(); // a close_notify the peer does not take: the close goes on without it
        }
      } catch (IOException e) {
        // closed all the same; the blocked write fails now
      }
    }
  }

  /**
   * The next message; empty when the peer closed the stream cleanly between frames.
   *
   * @throws ProtocolException if the stream ended inside a frame, a frame was too long or did not
   *     decode; the connection is closed
   * @throws java.net.SocketTimeoutException if a read timeout passed; nothing is lost
   */
  public Optional<I> receive() throws IOException {
    synchronized (readLock) {
      ensureOpen();
      try {
        while (true) {
          ByteBuffer body = nextFrame();
          if (body != null) {
            return Optional.of(decode(body));
          }
          if (!fill()) {
            return Optional.empty();
          }
        }
      } catch (ProtocolException e) {
        close();
        throw e;
      }
    }
  }

  /** The message in {@code body}; a decoder's own failure counts as a frame that does not decode. */
  private I decode(ByteBuffer body) throws ProtocolException {
    try {
      return conversation.receives().decode(body);
    } catch (RuntimeException e) {
      throw MalformedFrameException.decoderFailed(e);
    }
  }

  /** The next whole frame buffered, or null; keeps the frame deadline. */
  private ByteBuffer nextFrame() throws ProtocolException {
    ByteBuffer body = reader.nextFrame();
    if (body != null) {
      if (frameDeadline != 0) {
        frameDeadline = 0;
      }
    } else if (reader.buffered() > 0 && frameDeadline == 0 && frameTimeoutNanos > 0) {
      frameDeadline = System.nanoTime() + frameTimeoutNanos; // the first bytes of a frame came with the last read
    }
    return body;
  }

  /**
   * Reads once from the stream, within the read timeout and the frame deadline.
   *
   * @return false at a clean end of the stream
   */
  private boolean fill() throws IOException {
    boolean deadlineBound = false;
    if (socket != null) {
      int timeout = readTimeoutMillis;
      if (frameDeadline != 0) {
        long left = frameDeadline - System.nanoTime();
        // Rounded up, so that a read that times out has reached the deadline. Past it, one short
        // read still takes what is already here: a handler that started late (a busy executor)
        // must not blame the peer for bytes that arrived in time.
        long leftMillis = left <= 0 ? 1 : Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
        if (timeout == 0 || leftMillis <= timeout) {
          timeout = (int) leftMillis;
          deadlineBound = true;
        }
      }
      socketTimeout(timeout);
      if (timeout > 0 && socketBytes != null) {
        // Under TLS one read may take several records: those without application bytes (a key
        // update, an empty record) must not restart the wait, so each read of the socket within
        // this one waits only what is left of it.
        socketBytes.deadline = System.nanoTime() + timeout * 1_000_000L;
      }
    }
    int n;
    try {
      reading = true;
      n = reader.readFrom(in);
    } catch (SocketTimeoutException e) {
      if (deadlineBound) {
        throw frameTimedOut();
      }
      throw e; // the read timeout: nothing is lost
    } catch (IOException e) {
      throw readFailed(e);
    } finally {
      reading = false;
      if (socketBytes != null) {
        socketBytes.deadline = 0;
      }
    }
    if (n < 0) {
      IOException failed = outputFailed;
      if (failed != null) {
        throw failed; // the peer is gone and replies were lost: not a clean end
      }
      reader.endOfStream();
      return false;
    }
    return true;
  }

  private FrameTimeoutException frameTimedOut() throws IOException {
    long millis = TimeUnit.NANOSECONDS.toMillis(frameTimeoutNanos);
    FrameTimeoutException timeout = new FrameTimeoutException(reader.buffered() == 0 && reader.consumed() == 0
        ? "no frame arrived within " + millis + " ms of the accept"
        : "a frame did not arrive whole within " + millis + " ms of its first byte (" + reader.buffered()
            + " bytes of it arrived)");
    close();
    return timeout;
  }

  /** A read failed; a write that failed first is the better account of what happened. */
  private IOException readFailed(IOException e) {
    IOException failed = outputFailed;
    if (failed == null) {
      return e;
    }
    if (failed != e) {
      failed.addSuppressed(e);
    }
    return failed;
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
  public long receiveAll(MessageHandler<? super I> handler) throws IOException {
    long count = 0;
    while (true) {
      synchronized (readLock) {
        ensureOpen();
        try {
          for (ByteBuffer body = nextFrame(); body != null; body = nextFrame()) {
            handler.onMessage(decode(body));
            count++;
          }
          if (!fill()) {
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
      TlsChannel channel = tls;
      if (channel != null) {
        channel.closeOutbound(); // close_notify, then the FIN
      }
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
    TlsChannel channel = tls;
    if (channel != null && outputFailed == null) {
      // close_notify, unless another thread's write is blocked (it fails when the socket closes);
      // watched, so that a peer that reads nothing cannot hold the close for longer than the write timeout
      alert(channel);
      if (!reading) {
        dropArrived(); // a reading thread takes what arrives itself
      }
    }
    resource.close();
  }

  /**
   * Reads and drops what has arrived and was not read (a TLS 1.3 server's session ticket, which a
   * client that only sends never reads), without waiting: closing a socket with unread bytes
   * sends a reset, which makes the peer lose what it had not read yet, the close_notify included.
   */
  private void dropArrived() {
    try {
      InputStream raw = socket.getInputStream();
      byte[] scratch = new byte[4096];
      for (int reads = 0; reads < 64; reads++) {
        int available = raw.available();
        if (available <= 0 || raw.read(scratch, 0, Math.min(available, scratch.length)) < 0) {
          return;
        }
      }
    } catch (IOException e) {
      // closed all the same
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      IOException failed = outputFailed;
      if (failed != null) {
        throw failed; // why it closed: a write timed out or failed
      }
      throw new java.nio.channels.ClosedChannelException();
    }
  }
}

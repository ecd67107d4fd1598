package dev.parley.runtime.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLProtocolException;

/**
 * Not API. Plaintext over a TLS {@link SSLEngine} and the channel that carries its records, for both
 * transports: over a non-blocking socket (the event loop), where every call does what the network
 * allows now and returns, and over a blocking one (a thread's connection), where it waits.
 *
 * <p>{@link #handshake()} drives the handshake; {@link #read} and {@link #write} move application
 * bytes after it. One thread reads while another writes (a blocking connection's reader and its
 * senders): reading takes the write lock only to answer the peer (a TLS 1.3 key update, a
 * close_notify); writing never reads. Renegotiation is refused: on an established TLS 1.2
 * connection, a second handshake from either side is an {@link SSLHandshakeException}.
 *
 * <p>Buffers are taken when first needed and given back by {@link #release()} when empty, so an
 * idle connection holds none; records wrapped in one call are written together, up to
 * {@link #WRITE_RECORDS} of them.
 */
public final class TlsChannel implements ByteChannel {

  /** Records of the largest size gathered into one write to the network. */
  static final int WRITE_RECORDS = 4;

  /**
   * Records a call to {@link #handshake()} unwraps before it returns, so that a peer streaming
   * records the engine takes without moving on (warning alerts, which the JDK ignores, before a
   * ClientHello) cannot hold an event loop's thread in one call: the loop serves its other
   * connections and checks the handshake's deadline in between. A handshake's flights take a few
   * records each.
   */
  static final int HANDSHAKE_RECORDS_PER_CALL = 64;

  /**
   * Records in a row after the handshake that carry no application bytes (empty records, warning
   * alerts, TLS 1.3 key updates and tickets) past which the peer is refused: without a bound, a
   * peer streaming them would hold a reader in one call for as long as it sends. OpenSSL's bound on
   * empty records is the same 32.
   */
  static final int MAX_EMPTY_RECORDS = 32;

  /**
   * TLS 1.3 messages whose answer (a key update of this side's) the network has not taken, past
   * which the peer is refused: the engine keeps each answer, with its own cipher, until it can wrap
   * it, so a peer that asks for key updates and reads nothing would grow the heap without a bound.
   */
  static final int MAX_UNANSWERED = 16;

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final SSLEngine engine;
  private final ByteChannel net;
  private final ReentrantLock writeLock = new ReentrantLock();
  /** Ciphertext read and not yet unwrapped, between position and limit; null when none. */
  private ByteBuffer netIn;
  /** Plaintext unwrapped and not yet taken, between position and limit; null when none. */
  private ByteBuffer appIn;
  /** Ciphertext wrapped and not yet written, between 0 and position; null when none. */
  private ByteBuffer netOut;
  private volatile boolean handshaken;
  /** The TLS 1.3 rules for messages after the handshake, or the TLS 1.2 ones (no second handshake). */
  private boolean postHandshakeMessages;
  /** The peer's close_notify came, or its stream ended. */
  private boolean inboundDone;
  private volatile boolean closeNotifyReceived;
  /** A record refused after application bytes that came before it, thrown once they are taken. */
  private SSLException refused;
  private volatile boolean outboundClosed;
  private boolean started;
  /** The last {@link #handshake()} stopped at {@link #HANDSHAKE_RECORDS_PER_CALL} with records still to read. */
  private boolean yielded;
  /** Records in a row that carried no application bytes: see {@link #MAX_EMPTY_RECORDS}. */
  private int emptyRecords;
  /** See {@link #MAX_UNANSWERED}. */
  private int unanswered;

  public TlsChannel(SSLEngine engine, ByteChannel net) {
    this.engine = engine;
    this.net = net;
  }

  /** The engine, for its session once the handshake is done. */
  public SSLEngine engine() {
    return engine;
  }

  /** Whether the handshake is done. */
  public boolean isHandshaken() {
    return handshaken;
  }

  /**
   * Moves the handshake on as far as the network allows (all the way, over a blocking channel).
   *
   * @return true once it is done and its last bytes have left
   * @throws SSLException if it failed: an untrusted or misnamed certificate, a peer that is not
   *     speaking TLS, no protocol in common, a peer that closed during it
   */
  public boolean handshake() throws IOException {
    if (!started) {
      started = true;
      engine.beginHandshake();
    }
    yielded = false;
    int records = 0;
    while (!handshaken) {
      if (!flush()) {
        return false;
      }
      HandshakeStatus status = engine.getHandshakeStatus();
      switch (status) {
        case NEED_TASK -> runTasks();
        case NEED_WRAP -> wrapLocked(EMPTY);
        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
          if (++records > HANDSHAKE_RECORDS_PER_CALL) {
            yielded = true;
            return false;
          }
          if (!unwrapHandshake()) {
            return false;
          }
        }
        default -> {
          handshaken = true;
          postHandshakeMessages = "TLSv1.3".equals(engine.getSession().getProtocol());
        }
      }
    }
    return flush();
  }

  /**
   * Whether the last {@link #handshake()} returned because it had unwrapped its share of records,
   * not because it waits for the network: the caller calls again when it has served others.
   */
  public boolean handshakeYielded() {
    return yielded;
  }

  /** Whether the handshake waits for the peer's bytes (rather than for the network to take this side's). */
  public boolean handshakeWantsRead() {
    if (handshaken || hasUnsent()) {
      return false;
    }
    HandshakeStatus status = engine.getHandshakeStatus();
    return status == HandshakeStatus.NEED_UNWRAP || status == HandshakeStatus.NEED_UNWRAP_AGAIN;
  }

  private boolean unwrapHandshake() throws IOException {
    if (netIn == null || !netIn.hasRemaining()) {
      int n = readNet();
      if (n < 0) {
        throw new SSLHandshakeException("the peer closed the connection during the TLS handshake");
      }
      if (n == 0) {
        return false;
      }
    }
    SSLEngineResult result = unwrapInto(appIn());
    switch (result.getStatus()) {
      case BUFFER_UNDERFLOW -> {
        if (netIn.remaining() == netIn.capacity()) {
          netIn = growReading(netIn, engine.getSession().getPacketBufferSize());
        }
        int n = readNet();
        if (n < 0) {
          throw new SSLHandshakeException("the peer closed the connection during the TLS handshake");
        }
        return n > 0;
      }
      case BUFFER_OVERFLOW -> appIn = growReading(appIn, engine.getSession().getApplicationBufferSize());
      case CLOSED -> throw new SSLHandshakeException("the peer closed TLS during the handshake");
      default -> {
        // handshake bytes consumed; application bytes that came with the last flight wait in appIn
      }
    }
    return true;
  }

  /**
   * Reads plaintext: what is unwrapped already, else as many records as the buffered ciphertext
   * holds, reading from the network only when it holds no whole record.
   *
   * @return bytes read; 0 when a non-blocking network had no whole record; -1 after the peer's
   *     close_notify, or the end of its stream
   */
  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (!handshaken && !handshake()) {
      return 0;
    }
    int taken = takeApp(dst);
    if (taken > 0 || !dst.hasRemaining()) {
      return taken;
    }
    if (refused != null) {
      throw refused;
    }
    if (inboundDone) {
      return -1;
    }
    int produced = 0;
    boolean viaApp = false; // a record too large for dst's room goes through appIn
    while (dst.hasRemaining()) {
      boolean direct = !viaApp && dst.remaining() >= engine.getSession().getApplicationBufferSize();
      if (netIn == null || !netIn.hasRemaining()) {
        if (produced > 0) {
          return produced;
        }
        int n = readNet();
        if (n < 0) {
          return end();
        }
        if (n == 0) {
          return 0;
        }
      }
      SSLEngineResult result = unwrapInto(direct ? dst : appIn());
      if (result.getStatus() != SSLEngineResult.Status.CLOSED) {
        try {
          afterHandshake(result);
        } catch (SSLException e) {
          int now = produced + (direct ? result.bytesProduced() : takeApp(dst));
          if (now == 0 && (appIn == null || !appIn.hasRemaining())) {
            throw e;
          }
          refused = e; // the bytes before the refused record are the reader's first
          return now;
        }
      }
      switch (result.getStatus()) {
        case OK -> {
          int got = direct ? result.bytesProduced() : takeApp(dst);
          produced += got;
          if (got > 0) {
            emptyRecords = 0;
          } else if (result.bytesConsumed() > 0 && ++emptyRecords > MAX_EMPTY_RECORDS) {
            SSLException e = new SSLProtocolException("the peer sent " + emptyRecords
                + " TLS records in a row that carried no data (at most " + MAX_EMPTY_RECORDS + ")");
            if (produced == 0) {
              throw e;
            }
            refused = e; // the bytes before them are the reader's first
            return produced;
          }
          if (!direct && appIn.hasRemaining()) {
            return produced; // dst is full
          }
        }
        case BUFFER_UNDERFLOW -> {
          if (produced > 0) {
            return produced;
          }
          if (netIn.remaining() == netIn.capacity()) {
            netIn = growReading(netIn, engine.getSession().getPacketBufferSize());
          }
          int n = readNet();
          if (n < 0) {
            return end();
          }
          if (n == 0) {
            return 0;
          }
        }
        case BUFFER_OVERFLOW -> {
          if (direct) {
            viaApp = true;
          } else {
            appIn = growReading(appIn, engine.getSession().getApplicationBufferSize());
          }
        }
        case CLOSED -> {
          inboundDone = true;
          closeNotifyReceived = true;
          try {
            closeOutbound(); // answer the peer's close_notify with ours
          } catch (IOException e) {
            // the peer closed its socket already: its close_notify said all there is to say
          }
          return produced > 0 ? produced : -1;
        }
      }
    }
    return produced;
  }

  /** The peer's stream ended without close_notify: the end of the stream all the same. */
  private int end() {
    inboundDone = true;
    try {
      engine.closeInbound();
    } catch (SSLException e) {
      // a truncation the frame reader judges: it knows whether a frame was cut short
    }
    return -1;
  }

  /**
   * Writes {@code src} as records: as much as the network takes now without blocking (over a
   * non-blocking channel) or all of it (over a blocking one).
   *
   * @return the plaintext bytes taken; 0 while the handshake or earlier records wait for the network
   */
  @Override
  public int write(ByteBuffer src) throws IOException {
    if (!handshaken && !handshake()) {
      return 0;
    }
    writeLock.lock();
    try {
      if (outboundClosed) {
        throw new ClosedChannelException();
      }
      if (!flush()) {
        return 0;
      }
      int consumed = 0;
      int packet = engine.getSession().getPacketBufferSize();
      while (src.hasRemaining()) {
        ByteBuffer out = netOut(packet);
        if (out.remaining() < packet) {
          if (!flush()) {
            return consumed;
          }
          continue;
        }
        SSLEngineResult result = engine.wrap(src, out);
        consumed += result.bytesConsumed();
        afterHandshake(result);
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
          throw new ClosedChannelException();
        }
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          netOut = growWriting(out, packet);
        }
      }
      flush();
      return consumed;
    } finally {
      writeLock.unlock();
    }
  }

  /** Whether the peer ended with close_notify (rather than a bare end of its stream). */
  public boolean closeNotifyReceived() {
    return closeNotifyReceived;
  }

  /** Whether wrapped bytes wait for the network to take them. */
  public boolean hasUnsent() {
    return unsentBytes() > 0;
  }

  /** How many wrapped bytes wait for the network to take them. */
  public int unsentBytes() {
    ByteBuffer out = netOut;
    return out == null ? 0 : out.position();
  }

  /** Whether bytes read from the network wait to be unwrapped or taken, which no readiness event will announce. */
  public boolean hasBufferedInput() {
    return (appIn != null && appIn.hasRemaining()) || (netIn != null && netIn.hasRemaining());
  }

  /**
   * Writes what wrapped bytes wait, as far as the network takes them.
   *
   * @return true when none wait any more
   */
  public boolean flush() throws IOException {
    if (netOut == null || netOut.position() == 0) {
      return true;
    }
    writeLock.lock();
    try {
      ByteBuffer out = netOut;
      if (out == null || out.position() == 0) {
        return true;
      }
      out.flip();
      try {
        while (out.hasRemaining() && net.write(out) > 0) {
          // on while the network takes bytes
        }
      } finally {
        out.compact();
      }
      return out.position() == 0;
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Sends close_notify (as far as the network takes it now): this side writes no more. Over a
   * blocking channel, only if no other thread is writing, so that closing never waits for a peer
   * that does not read.
   */
  public void closeOutbound() throws IOException {
    if (outboundClosed) {
      return;
    }
    if (!writeLock.tryLock()) {
      return; // a write is blocked on the network; the close that follows ends it
    }
    try {
      if (outboundClosed) {
        return;
      }
      outboundClosed = true;
      engine.closeOutbound();
      if (started) {
        while (!engine.isOutboundDone()) {
          SSLEngineResult result = engine.wrap(EMPTY, netOut(engine.getSession().getPacketBufferSize()));
          if (result.getStatus() != SSLEngineResult.Status.OK || result.bytesProduced() == 0) {
            break;
          }
        }
        flush();
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Gives back the buffers that hold nothing; taken again when needed. */
  public void release() {
    if (netIn != null && !netIn.hasRemaining()) {
      netIn = null;
    }
    if (appIn != null && !appIn.hasRemaining()) {
      appIn = null;
    }
    if (writeLock.tryLock()) {
      try {
        if (netOut != null && netOut.position() == 0) {
          netOut = null;
        }
      } finally {
        writeLock.unlock();
      }
    }
  }

  /** Bytes of buffers held now. */
  public int capacity() {
    return capacityOf(netIn) + capacityOf(appIn) + capacityOf(netOut);
  }

  private static int capacityOf(ByteBuffer buffer) {
    return buffer == null ? 0 : buffer.capacity();
  }

  @Override
  public boolean isOpen() {
    return net.isOpen();
  }

  /** Sends close_notify as far as the network takes it at once, then closes the network channel. */
  @Override
  public void close() throws IOException {
    try {
      if (net.isOpen()) {
        closeOutbound();
      }
    } catch (IOException | RuntimeException e) {
      // the peer is gone or the engine failed: close all the same
    } finally {
      net.close();
    }
  }

  /**
   * After the handshake: TLS 1.3's messages (tickets, key updates) are answered; under TLS 1.2, any
   * handshake status is the start of a renegotiation, which is refused.
   */
  private void afterHandshake(SSLEngineResult result) throws IOException {
    HandshakeStatus status = result.getHandshakeStatus();
    if (status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED) {
      return;
    }
    if (!postHandshakeMessages) {
      throw new SSLHandshakeException("TLS renegotiation refused: the peer started a new handshake on an"
          + " established " + engine.getSession().getProtocol() + " connection");
    }
    for (int turns = 0; turns < 8; turns++) {
      status = engine.getHandshakeStatus();
      if (status == HandshakeStatus.NEED_TASK) {
        runTasks();
      } else if (status == HandshakeStatus.NEED_WRAP) {
        writeLock.lock();
        try {
          wrapLocked(EMPTY);
        } finally {
          writeLock.unlock();
        }
        if (!flush() && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
          break; // the network takes nothing now: the answer waits in the engine
        }
      } else {
        unanswered = 0;
        return;
      }
    }
    if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && result.bytesProduced() == 0
        && ++unanswered > MAX_UNANSWERED) {
      throw new SSLProtocolException("the peer sent " + unanswered + " TLS messages that need answers while it"
          + " read none of them (at most " + MAX_UNANSWERED + ")");
    }
  }

  private void wrapLocked(ByteBuffer src) throws IOException {
    writeLock.lock();
    try {
      int packet = engine.getSession().getPacketBufferSize();
      SSLEngineResult result = engine.wrap(src, netOut(packet));
      if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        if (!flush()) {
          return; // the next turn wraps again, once the network has taken what waits
        }
        netOut = growWriting(netOut, packet);
      } else if (result.getStatus() == SSLEngineResult.Status.CLOSED && !handshaken) {
        throw new SSLHandshakeException("TLS closed during the handshake");
      }
    } finally {
      writeLock.unlock();
    }
  }

  private SSLEngineResult unwrapInto(ByteBuffer target) throws SSLException {
    if (target == appIn) {
      appIn.compact(); // to write mode, after what waits
      try {
        return engine.unwrap(netIn, appIn);
      } finally {
        appIn.flip();
      }
    }
    return engine.unwrap(netIn, target);
  }

  private int takeApp(ByteBuffer dst) {
    ByteBuffer app = appIn;
    if (app == null || !app.hasRemaining()) {
      return 0;
    }
    int n = Math.min(app.remaining(), dst.remaining());
    int limit = app.limit();
    app.limit(app.position() + n);
    dst.put(app);
    app.limit(limit);
    return n;
  }

  /** Reads ciphertext into {@link #netIn}, after what waits there. */
  private int readNet() throws IOException {
    if (netIn == null) {
      netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      netIn.flip();
    }
    netIn.compact();
    try {
      return net.read(netIn);
    } finally {
      netIn.flip();
    }
  }

  private ByteBuffer appIn() {
    if (appIn == null) {
      appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
      appIn.flip();
    }
    return appIn;
  }

  private ByteBuffer netOut(int packet) {
    if (netOut == null) {
      netOut = ByteBuffer.allocate(WRITE_RECORDS * packet);
    }
    return netOut;
  }

  /** {@code buffer}, in read mode, moved into one with room for {@code size} more bytes. */
  private static ByteBuffer growReading(ByteBuffer buffer, int size) {
    ByteBuffer larger = ByteBuffer.allocate(buffer.remaining() + size);
    larger.put(buffer).flip();
    return larger;
  }

  /** {@code buffer}, in write mode, moved into one with room for {@code size} more bytes. */
  private static ByteBuffer growWriting(ByteBuffer buffer, int size) {
    ByteBuffer larger = ByteBuffer.allocate(buffer.position() + size);
    buffer.flip();
    larger.put(buffer);
    return larger;
  }

  private void runTasks() {
    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
      task.run();
    }
  }
}

package dev.parley.runtime.nio;

import dev.parley.runtime.CloseReason;
import dev.parley.runtime.Connection;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.FrameTimeoutException;
import dev.parley.runtime.FrameWriter;
import dev.parley.runtime.Handler;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import dev.parley.runtime.Tls;
import dev.parley.runtime.WriteTimeoutException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * One connection of an {@link EventLoop}. {@link #send} may be called from any thread; the rest
 * of the work (reading, decoding, writing, closing) happens on the loop's thread.
 *
 * <p>Backpressure: when the bytes queued for the peer reach the high-water mark of its
 * {@link ConnectionOptions}, the connection stops reading and handing over frames (they wait in
 * the socket and in the read buffer, whole), and takes up again when the queue is back below the
 * low-water mark. A peer that pipelines requests and reads its replies is therefore never closed
 * for it; only one whose queue would pass the hard bound even so ({@link CloseReason#SLOW_PEER}), or
 * that takes nothing for the write timeout ({@link CloseReason#WRITE_TIMEOUT}), is.
 *
 * <p>Phases: {@link #switchTo}, from a handler, changes what the connection receives and sends,
 * and the handler of what follows, between two frames; frames of the next phase that arrived with
 * the last of this one are kept and handed to the next handler.
 *
 * <p>TLS: with {@link ConnectionOptions#tls()} set, the handshake comes first, under the frame
 * deadline, and {@link Handler#onOpen} follows it; {@link #startTls}, from a handler, starts TLS
 * between two frames of a plaintext conversation.
 *
 * @param <I> the messages received
 * @param <O> the messages sent
 */
public final class NioConnection<I, O> implements Connection<I, O> {

  /** Reads per readiness event, so that one busy peer cannot starve the others. */
  private static final int READS_PER_EVENT = 16;

  /**
   * How long a connection closing for a bad frame reads and drops what the peer still sends, after
   * its replies, before it closes: closing with unread bytes sends a reset, which can destroy the
   * replies before the peer reads them.
   */
  static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** A connection quiet for this long gives its read and write buffers back. */
  static final long RELEASE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final VarHandle OUTBOX;

  static {
    try {
      OUTBOX = MethodHandles.lookup().findVarHandle(NioConnection.class, "outbox", Sent.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final EventLoop loop;
  /** The socket, or null for a connection over another {@link Endpoint}. */
  private final SocketChannel channel;
  // Not final: a phase change replaces them between two frames, on the loop's thread.
  private Conversation<I, O> conversation;
  private Handler<I, O> handler;
  private final ConnectionOptions options;
  private final FrameReader reader;
  private final FrameWriter<O> writer;
  private final boolean accepted;
  /** What is read and written, once the connection is open. */
  private Endpoint endpoint;
  private boolean open;
  /** The stream ended; frames still buffered are handed over before the connection finishes. */
  private boolean endSeen;
  /** Reading is paused until the queue falls below the low-water mark. */
  private boolean paused;
  /** The connection is only finishing its queue, then closes with {@link #closingReason}. */
  private boolean closing;
  private CloseReason closingReason;
  private Throwable closingCause;
  /** A write failed: the queue was dropped, nothing more is sent; frames that arrived still count. */
  private IOException outputFailed;
  private boolean scheduledFlush;
  private volatile boolean closed;
  private long lastReceived;
  private long lastActive;
  /** When the frame being received must be whole, or 0 when no deadline runs. */
  private long frameDeadline;
  /** While lingering after its replies: when to close at the latest; 0 otherwise. */
  private long lingerDeadline;
  /** When the peer last took bytes, or when the queue last became non-empty. */
  private long lastWriteProgress;
  /**
   * Someone saw the queue at the high-water mark ({@link #isWritable()} false, or a send that
   * reached it): {@link Handler#onWritable} is due once it falls below the low-water mark.
   */
  private volatile boolean unwritable;
  /** The TLS records the connection's bytes travel in, or null for plaintext. */
  private TlsEndpoint tls;
  /** The TLS handshake is under way: no frame moves until it is done. */
  private boolean handshaking;
  /** The name a client connected to, for TLS to verify; null when it connected to an address. */
  String peerHost;
  /** The peer's address, kept when the connection opens: a closed channel no longer says it. */
  private volatile SocketAddress peer;
  /** The listener that accepted this connection, or null for one this side made. */
  final EventLoop.Acceptor<?, ?> origin;
  /** Where the loop keeps this connection in its list, or -1 when it is not there. */
  int slot = -1;
  /**
   * Messages sent from other threads and not yet queued, the latest first, down to a floor that
   * holds no message; the floor alone when there are none. Whoever sends onto the floor asks the
   * loop, once, to take them all: a thread that sends many messages costs the loop one task, not
   * one a message, and costs itself one atomic operation a message.
   */
  private volatile Sent<O> outbox = Sent.floor(0);
  /** On the loop's thread: the {@link Sent#total} of the outbox when the loop last took it. */
  private long taken;
  /**
   * The queue's bytes less {@link #taken}, as the loop last told other threads, after each flush
   * and each take: {@link #pendingBytes()} off the loop adds the outbox's total. A take leaves it as it was (the
   * queue and {@code taken} grow alike), so the sum is exact while messages move from the outbox
   * to the queue; it lags only by what the loop's own thread sent since its last flush, and still
   * counts what left since. Other threads read this and not the queue, which the loop writes with
   * every frame: a thread sending in a loop would otherwise fetch that cache line from the loop's
   * core for each message.
   */
  private volatile long queuedLessTaken;

  NioConnection(EventLoop loop, SocketChannel channel, Conversation<I, O> conversation, Handler<I, O> handler,
      ConnectionOptions options, EventLoop.Acceptor<?, ?> origin) {
    this(loop, channel, conversation, handler, options, origin, origin != null);
  }

  NioConnection(EventLoop loop, SocketChannel channel, Conversation<I, O> conversation, Handler<I, O> handler,
      ConnectionOptions options, EventLoop.Acceptor<?, ?> origin, boolean accepted) {
    this.loop = loop;
    this.channel = channel;
    this.conversation = conversation;
    this.handler = Objects.requireNonNull(handler, "handler");
    this.options = options;
    this.origin = origin;
    this.accepted = accepted;
    this.reader = new FrameReader(conversation.receives().frameFormat());
    long largestFrame = conversation.sends().frameFormat().largestFrameSize();
    int maxPending = (int) Math.min(Integer.MAX_VALUE, Math.max(options.maxPendingBytes(), largestFrame));
    // A sender that waits for writability keeps up to the high-water mark queued: its buffer is kept.
    int kept = (int) Math.min(maxPending, 2L * options.highWaterMark());
    this.writer = new FrameWriter<>(conversation.sends(), maxPending, kept, loop.directBuffers());
    this.lastReceived = loop.now();
    this.lastActive = lastReceived;
  }

  @Override
  public Conversation<I, O> conversation() {
    return conversation;
  }

  /**
   * See {@link Connection#switchTo}: on the loop's thread only, from a handler (or a task the loop
   * runs). The frame being handled is the last of this phase; those after it, already read or
   * not, go to {@code next} and {@code handler}.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <J, P> NioConnection<J, P> switchTo(Conversation<J, P> next, Handler<J, P> handler) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(handler, "handler");
    if (!loop.inLoop()) {
      throw new IllegalStateException("switchTo is for the loop's thread: call it from the handler");
    }
    if (closed) {
      throw new IllegalStateException("the connection is closed");
    }
    takeOutbox(); // messages sent before the switch are of this phase
    NioConnection<J, P> switched = (NioConnection<J, P>) (NioConnection<?, ?>) this;
    reader.reformat(next.receives().frameFormat());
    writer.reframe(next.sends()); // the same writer, as the same connection is
    switched.conversation = next;
    switched.handler = handler;
    return switched;
  }

  /**
   * See {@link Connection#startTls}: on the loop's thread only, from a handler. What was sent
   * before the call leaves in plaintext, ahead of the handshake; what is sent after it waits for
   * the handshake and leaves encrypted. Frames wait likewise until it is done.
   */
  @Override
  public boolean startTls(Tls settings) {
    Objects.requireNonNull(settings, "settings");
    if (!loop.inLoop()) {
      throw new IllegalStateException("startTls is for the loop's thread: call it from the handler");
    }
    if (closed) {
      return false;
    }
    if (tls != null) {
      throw new IllegalStateException("TLS has started already");
    }
    if (reader.buffered() > 0) {
      close(CloseReason.TLS_ERROR, new SSLException(reader.buffered() + " plaintext bytes followed the request to"
          + " start TLS, before the handshake: refused, since anyone on the path could have put them there"));
      return false;
    }
    takeOutbox(); // what other threads sent before the call is of the plaintext phase too
    ByteBuffer plaintext = null;
    if (writer.hasPending()) {
      PendingBytes pending = new PendingBytes(writer.pending());
      try {
        writer.flushTo(pending);
      } catch (IOException e) {
        throw new IllegalStateException("unreachable: memory takes every byte", e);
      }
      plaintext = pending.bytes.flip();
    }
    if (!options.frameTimeout().isZero()) {
      frameDeadline = loop.now() + options.frameTimeout().toNanos(); // the handshake, like a frame
    }
    beginTls(settings, plaintext);
    return !closed;
  }

  /** The plaintext queued before TLS started, taken out of the queue to be written ahead of the handshake. */
  private static final class PendingBytes implements java.nio.channels.WritableByteChannel {
    final ByteBuffer bytes;

    PendingBytes(int size) {
      bytes = ByteBuffer.allocate(size);
    }

    @Override
    public int write(ByteBuffer src) {
      int n = src.remaining();
      bytes.put(src);
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {
      // nothing to close
    }
  }

  /** Whether the connection's bytes travel in TLS records (or will, once the handshake under way is done). */
  public boolean isSecure() {
    return tls != null;
  }

  /** The TLS session, once the handshake is done: the peer's certificates, the protocol and cipher. */
  public Optional<javax.net.ssl.SSLSession> tlsSession() {
    return tls == null || handshaking ? Optional.empty() : Optional.of(tls.tls().engine().getSession());
  }

  /** The peer's address, once connected. */
  @Override
  public Optional<SocketAddress> remoteAddress() {
    if (peer != null) {
      return Optional.of(peer);
    }
    if (endpoint != null) {
      return Optional.ofNullable(endpoint.remoteAddress());
    }
    try {
      return channel == null ? Optional.empty() : Optional.ofNullable(channel.getRemoteAddress());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether the connection is open, or still connecting. */
  @Override
  public boolean isOpen() {
    return !closed;
  }

  /**
   * Bytes queued for the peer and not yet taken, those of messages sent from other threads and
   * not yet handed to the loop included (as their protocol sized them); read on the loop's thread
   * for an exact figure. On another thread the queue's part is as the loop counted it at its last
   * flush, so what left since is still counted. A thread that sends while this is below a bound
   * of its own stays within it as a handler that sends from {@link Handler#onDrained} does.
   */
  @Override
  public int pendingBytes() {
    // Off the loop, the loop's count first: a take in between then changes neither term's sum.
    long queuedLessTaken = loop.inLoop() ? writer.pending() - taken : this.queuedLessTaken;
    long total = outbox.total;
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, queuedLessTaken + total));
  }

  /** The hard bound on {@link #pendingBytes()}: past it the connection closes as a slow peer. */
  public int maxPendingBytes() {
    return writer.maxPending();
  }

  /** See {@link Connection#isWritable()}: what this side and other threads queued is under the high-water mark. */
  @Override
  public boolean isWritable() {
    if (pendingBytes() < options.highWaterMark()) {
      return true;
    }
    if (!unwritable) {
      unwritable = true; // the caller may wait for onWritable now
      if (!loop.inLoop()) {
        loop.execute(this::writableAgain); // in case the loop wrote the last bytes before it saw the flag
      }
    }
    return false;
  }

  /** Tells the handler the queue is below the low-water mark, if someone waits for it; on the loop's thread. */
  private boolean writableAgain() {
    if (!unwritable || closed || pendingBytes() >= options.lowWaterMark()) {
      return true;
    }
    unwritable = false;
    try {
      handler.onWritable(this);
      return true;
    } catch (Throwable e) {
      handlerFailed(e);
      return false;
    }
  }

  /** Whether reading is paused because the queue passed the high-water mark. */
  public boolean isReadingPaused() {
    return paused;
  }

  /**
   * Queues {@code message} for the peer. On the loop's thread the frame is encoded at once and
   * leaves after the current event (replies to a read go out together); from another thread it
   * is handed to the loop, which encodes what a thread sent in the order it was sent, before any
   * message the loop's thread sends after. A frame that would take the queue past
   * {@link #maxPendingBytes()} closes the connection with {@link CloseReason#SLOW_PEER}. After a
   * write failed, frames are dropped (the failure is the close cause the handler hears).
   *
   * @return false if the connection is closed, closing, or cannot write, or this send closed it
   * @throws IllegalArgumentException on the loop's thread, if the message does not encode (nothing
   *     is queued; from another thread the loop's error hook hears it)
   */
  @Override
  public boolean send(O message) {
    if (!loop.inLoop()) {
      return sendLater(message);
    }
    if (outbox.message != null) {
      takeOutbox(); // what other threads sent before leaves first
    }
    return queue(message);
  }

  /** From another thread: puts {@code message} in the outbox, asking the loop to take it if it was empty. */
  private boolean sendLater(O message) {
    if (closed || closing || lingerDeadline != 0 || outputFailed != null) {
      return false;
    }
    Sent<O> sent = new Sent<>(message);
    int bytes = frameBytes(message);
    Sent<O> latest;
    do {
      latest = outbox;
      sent.next = latest;
      sent.total = latest.total + bytes;
    } while (!OUTBOX.compareAndSet(this, latest, sent));
    if (latest.message == null) {
      loop.execute(this::takeOutbox);
    }
    return true;
  }

  /** The size of {@code message}'s frame, for {@link #pendingBytes()}; 0 if it does not size (the loop will say). */
  private int frameBytes(O message) {
    Protocol<O> protocol = conversation.sends();
    try {
      return protocol.frameFormat().bodyOffset() + protocol.encodedSize(message);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /**
   * Queues every message of the outbox, in the order they were sent; one that does not encode is
   * reported and the others go on. On the loop's thread.
   */
  private void takeOutbox() {
    Sent<O> latest = outbox;
    if (latest.message == null) {
      return;
    }
    // A new floor keeps the total, so that the outbox's total still counts every message sent.
    // The swap can fail only because a sender pushed meanwhile, and then takes that message too.
    // (A running total in a field of its own would let a plain getAndSet do, but costs senders a
    // second atomic operation a message: 64-byte frames sent off the loop fell from a median of
    // 0.46x raw to 0.33x in five interleaved pairs.)
    Sent<O> floor = Sent.floor(latest.total);
    while (!OUTBOX.compareAndSet(this, latest, floor)) {
      latest = outbox;
      floor.total = latest.total;
    }
    Sent<O> first = null;
    for (Sent<O> sent = latest; sent.message != null; ) { // the latest first: turn it round
      Sent<O> earlier = sent.next;
      sent.next = first;
      first = sent;
      sent = earlier;
    }
    for (Sent<O> sent = first; sent != null; sent = sent.next) {
      try {
        queue(sent.message);
      } catch (RuntimeException e) {
        loop.report(this, e);
      }
    }
    taken = floor.total;
    queuedLessTaken = writer.pending() - taken;
  }

  /** On the loop's thread: encodes {@code message} into the queue, and flushes at the end of the round. */
  private boolean queue(O message) {
    if (closed || closing || lingerDeadline != 0 || outputFailed != null) {
      return false;
    }
    boolean wasEmpty = !hasPending(); // TLS records waiting count: a new frame is no progress
    if (!writer.enqueue(message)) {
      queueFull();
      return false;
    }
    if (wasEmpty) {
      lastWriteProgress = loop.now();
    }
    if (!unwritable && writer.pending() >= options.highWaterMark()) {
      unwritable = true;
    }
    if (open && !scheduledFlush) {
      scheduledFlush = true;
      loop.flushLater(this);
    }
    return true;
  }

  // Out of line: the hot path of queue stays small enough to inline into send.
  private void queueFull() {
    close(CloseReason.SLOW_PEER, new IOException("peer is not reading: " + writer.pending()
        + " bytes queued, bound " + writer.maxPending()));
  }

  /** Closes the connection now, dropping what is queued; the handler hears {@link CloseReason#CLOSED}. */
  @Override
  public void close() {
    if (loop.inLoop()) {
      close(CloseReason.CLOSED, null);
    } else {
      loop.execute(() -> close(CloseReason.CLOSED, null));
    }
  }

  @Override
  public void closeWhenSent() {
    if (loop.inLoop()) {
      takeOutbox();
      closeAfterQueue(CloseReason.CLOSED, null);
    } else {
      loop.execute(() -> {
        takeOutbox(); // this thread's sends, which another thread's task may not have taken yet
        closeAfterQueue(CloseReason.CLOSED, null);
      });
    }
  }

  // ---- On the loop's thread -------------------------------------------------------------------

  void opened(SelectionKey key) {
    opened(Endpoint.of(channel, key));
  }

  void opened(Endpoint endpoint) {
    this.endpoint = endpoint;
    this.peer = endpoint.remoteAddress();
    long now = loop.now();
    lastReceived = now;
    lastActive = now;
    Optional<Tls> settings = options.tls();
    if ((accepted || settings.isPresent()) && !options.frameTimeout().isZero()) {
      // The first frame, from the accept; the handshake of a client's TLS.
      frameDeadline = now + options.frameTimeout().toNanos();
    }
    if (settings.isPresent()) {
      beginTls(settings.get(), null); // open() follows the handshake
      return;
    }
    open();
  }

  /** The connection is up (after its TLS handshake, if any): the handler hears of it. */
  private void open() {
    this.open = true;
    long now = loop.now();
    updateInterest();
    try {
      handler.onOpen(this);
    } catch (Throwable e) {
      handlerFailed(e);
      return;
    }
    if (writer.hasPending()) {
      lastWriteProgress = now;
      flush(); // sends made before the connection was established
    }
  }

  /** Wraps the endpoint in TLS and starts the handshake; {@code plaintext} leaves ahead of it. */
  private void beginTls(Tls settings, ByteBuffer plaintext) {
    SSLEngine engine;
    try {
      InetSocketAddress remote = peer instanceof InetSocketAddress address ? address : null;
      String host = peerHost != null ? peerHost : remote == null ? null : remote.getHostString();
      engine = settings.newEngine(host, remote == null ? -1 : remote.getPort());
    } catch (RuntimeException e) {
      close(CloseReason.TLS_ERROR, e);
      return;
    }
    tls = new TlsEndpoint(endpoint, engine, plaintext);
    endpoint = tls;
    handshaking = true;
    continueHandshake();
  }

  /** Moves the TLS handshake on; once it is done, the connection opens, or its conversation goes on. */
  private void continueHandshake() {
    boolean done;
    try {
      done = tls.handshake();
    } catch (SSLException e) {
      close(CloseReason.TLS_ERROR, e);
      return;
    } catch (IOException e) {
      close(CloseReason.IO_ERROR, e);
      return;
    } catch (RuntimeException e) {
      close(CloseReason.TLS_ERROR, e); // the engine's own failure on input it could not take
      return;
    }
    if (!done) {
      updateInterest();
      if (tls.handshakeYielded()) {
        loop.execute(this::readable); // its share of records taken: the rest after the loop's other work
      }
      return;
    }
    handshaking = false;
    if (open || !accepted) {
      frameDeadline = 0; // an accepted connection's first frame is still due within the deadline of its accept
    }
    if (!open) {
      open();
    } else {
      updateInterest();
      if (writer.hasPending()) {
        lastWriteProgress = loop.now();
        flush();
      }
    }
    if (!closed && endpoint.hasBufferedInput()) {
      readable(); // records that came with the handshake's last flight
    }
  }

  void readable() {
    if (handshaking) {
      if (!closed) {
        continueHandshake();
      }
      return;
    }
    if (lingerDeadline != 0) {
      drop();
      return;
    }
    if (closed || paused || closing || endSeen) {
      return;
    }
    try {
      for (int reads = 0; reads < READS_PER_EVENT && !closed; reads++) {
        if (handshaking) {
          continueHandshake(); // a handler started TLS
          return;
        }
        int n = reader.readFrom(endpoint);
        if (n > 0) {
          lastReceived = loop.now();
          lastActive = lastReceived;
        } else if (n < 0) {
          endSeen = true;
        }
        if (!dispatchFrames()) {
          return; // paused or closed; what is buffered waits
        }
        if (n < 0) {
          ended();
          return;
        }
        if (n == 0) {
          return;
        }
      }
      if (!closed && endpoint.hasBufferedInput()) {
        loop.execute(this::readable); // records read already, which no readiness event announces
      }
    } catch (ProtocolException e) {
      closeAfterQueue(CloseReason.PROTOCOL_ERROR, e);
    } catch (SSLException e) {
      close(CloseReason.TLS_ERROR, e);
    } catch (IOException e) {
      close(CloseReason.IO_ERROR, withWriteFailure(e));
    }
  }

  /**
   * Hands over every whole frame buffered, unless the queue passes the high-water mark first.
   *
   * @return true when every whole frame was handed over; false when paused or closed
   */
  private boolean dispatchFrames() throws ProtocolException {
    while (!closed && !closing) {
      if (outputFailed == null && writer.pending() >= options.highWaterMark()) {
        pause();
        return false;
      }
      ByteBuffer body = reader.nextFrame();
      if (body == null) {
        if (reader.buffered() > 0) {
          if (frameDeadline == 0 && !options.frameTimeout().isZero()) {
            frameDeadline = loop.now() + options.frameTimeout().toNanos();
          }
        }
        return true;
      }
      frameDeadline = 0;
      I message;
      try {
        message = conversation.receives().decode(body);
      } catch (RuntimeException e) {
        throw MalformedFrameException.decoderFailed(e);
      }
      try {
        handler.onMessage(this, message);
      } catch (Throwable e) {
        handlerFailed(e);
        return false;
      }
    }
    return false;
  }

  /** The stream ended and every whole frame was handed over. */
  private void ended() throws ProtocolException {
    reader.endOfStream();
    if (outputFailed != null) {
      close(CloseReason.IO_ERROR, outputFailed);
      return;
    }
    closeAfterQueue(CloseReason.PEER_CLOSED, null);
  }

  /** Lingering: reads and drops what the peer sends until it closes its side. */
  private void drop() {
    ByteBuffer scratch = loop.scratch();
    try {
      for (int reads = 0; reads < READS_PER_EVENT; reads++) {
        scratch.clear();
        int n = endpoint.read(scratch);
        if (n < 0) {
          close(closingReason, closingCause);
          return;
        }
        if (n == 0) {
          return;
        }
      }
    } catch (IOException e) {
      close(closingReason, closingCause);
    }
  }

  private void pause() {
    paused = true;
    frameDeadline = 0; // the peer cannot send while this side does not read: no deadline runs
    updateInterest();
  }

  /** The queue fell below the low-water mark: hand over what waits, then read again. */
  private void resume() {
    paused = false;
    lastReceived = loop.now(); // the idle timeout did not run while this side was not reading
    try {
      if (dispatchFrames() && endSeen) {
        ended();
        return;
      }
    } catch (ProtocolException e) {
      closeAfterQueue(CloseReason.PROTOCOL_ERROR, e);
      return;
    }
    updateInterest();
    if (endpoint.hasBufferedInput()) {
      readable(); // records read before the pause, which no readiness event announces
    }
  }

  /**
   * Stops reading and closes with {@code reason} once what is queued has left (within the write
   * timeout): replies to the frames before a bad one, or before the peer's end, still arrive.
   */
  private void closeAfterQueue(CloseReason reason, Throwable cause) {
    if (closed) {
      return;
    }
    closingReason = reason;
    closingCause = cause;
    if (outputFailed != null || !open) {
      close(reason, cause);
      return;
    }
    closing = true;
    frameDeadline = 0;
    if (!writer.hasPending()) {
      finishClosing();
      return;
    }
    updateInterest();
  }

  /**
   * Everything queued has left. After the peer's end nothing more can come: close. After a bad
   * frame, the peer may still be sending: say so with a FIN, and linger, dropping what arrives,
   * until the peer closes its side or {@link #LINGER_NANOS} pass.
   */
  private void finishClosing() {
    if (closingReason != CloseReason.PROTOCOL_ERROR || endSeen) {
      close(closingReason, closingCause);
      return;
    }
    try {
      endpoint.shutdownOutput();
    } catch (IOException e) {
      close(closingReason, closingCause);
      return;
    }
    closing = false;
    lingerDeadline = loop.now() + LINGER_NANOS;
    frameDeadline = 0;
    updateInterest();
  }

  /** Writes what the peer will take; asks for OP_WRITE only while something is left. */
  void flush() {
    scheduledFlush = false;
    if (handshaking) {
      if (!closed) {
        continueHandshake();
      }
      return;
    }
    if (closed || !open || outputFailed != null) {
      return;
    }
    // Under TLS the queue's last bytes may have left it already as records that wait for the
    // network: what leaves them is progress too, and what stays in them is still queued.
    long before = queuedBytes();
    boolean queued = before > 0 || endpoint.hasUnsent();
    boolean empty;
    try {
      empty = writer.flushTo(endpoint) && endpoint.flushBuffered();
    } catch (IOException e) {
      writeFailed(e);
      return;
    }
    queuedLessTaken = writer.pending() - taken;
    if (queuedBytes() < before) {
      lastWriteProgress = loop.now();
      lastActive = lastWriteProgress;
    }
    if (empty && closing) {
      finishClosing();
      return;
    }
    if (paused && writer.pending() < options.lowWaterMark()) {
      resume();
      if (closed) {
        return;
      }
    } else {
      updateInterest();
    }
    if (!writableAgain()) {
      return;
    }
    if (empty && queued && !closed) {
      try {
        handler.onDrained(this);
      } catch (Throwable e) {
        handlerFailed(e);
      }
    }
  }

  /**
   * A write failed (a reset, a broken pipe): drop the queue and send nothing more, but go on
   * reading, so that frames the peer sent before it went away are still handed over.
   */
  private void writeFailed(IOException e) {
    outputFailed = e;
    writer.discard();
    queuedLessTaken = -taken;
    if (closing) {
      // The peer's end, or a bad frame, came first; the replies to what came before are lost now.
      boolean peerClosed = closingReason == CloseReason.PEER_CLOSED;
      close(peerClosed ? CloseReason.IO_ERROR : closingReason, peerClosed ? e : closingCause);
      return;
    }
    if (paused) {
      resume(); // nothing is queued any more
      return;
    }
    updateInterest();
  }

  private IOException withWriteFailure(IOException readFailure) {
    if (outputFailed != null && outputFailed != readFailure) {
      readFailure.addSuppressed(outputFailed);
    }
    return readFailure;
  }

  private void handlerFailed(Throwable e) {
    close(CloseReason.HANDLER_ERROR, e);
    if (e instanceof Error error) {
      loop.failedWith(this, error);
    }
  }

  private void updateInterest() {
    if (closed || endpoint == null) {
      return;
    }
    if (handshaking) {
      endpoint.interest(0); // the TLS endpoint asks for what the handshake needs
      return;
    }
    int ops = 0;
    if (lingerDeadline != 0 || (!paused && !closing && !endSeen && open)) {
      ops |= SelectionKey.OP_READ;
    }
    if (outputFailed == null && writer.hasPending()) {
      ops |= SelectionKey.OP_WRITE;
    }
    endpoint.interest(ops);
  }

  boolean hasPending() {
    return writer.hasPending() || (endpoint != null && endpoint.hasUnsent());
  }

  /** The queue's bytes and those the endpoint holds of its own (TLS records) that wait for the peer. */
  private long queuedBytes() {
    return (long) writer.pending() + endpoint.unsentBytes();
  }

  /** Closes the connection if one of its deadlines has passed; gives back buffers when quiet. */
  void checkTimers(long now) {
    if (closed || (!open && !handshaking)) {
      return;
    }
    // While reading is paused or the queue is draining before a close, this side is not reading:
    // the write timeout governs, not the idle timeout.
    if (!paused && !closing && lingerDeadline == 0
        && !options.idleTimeout().isZero() && now - lastReceived > options.idleTimeout().toNanos()) {
      close(CloseReason.IDLE_TIMEOUT,
          new IOException("nothing received for more than " + options.idleTimeout().toMillis() + " ms"));
      return;
    }
    if (lingerDeadline != 0) {
      if (now - lingerDeadline > 0) {
        close(closingReason, closingCause);
      }
      return;
    }
    if (frameDeadline != 0 && now - frameDeadline > 0) {
      String what = handshaking
          ? "the TLS handshake did not finish within " + options.frameTimeout().toMillis() + " ms"
          : reader.buffered() == 0
          ? "no frame arrived within " + options.frameTimeout().toMillis() + " ms of the accept"
          : "a frame did not arrive whole within " + options.frameTimeout().toMillis() + " ms of its first byte ("
              + reader.buffered() + " bytes of it arrived)";
      close(CloseReason.FRAME_TIMEOUT, new FrameTimeoutException(what));
      return;
    }
    if (outputFailed == null && hasPending() && !options.writeTimeout().isZero()
        && now - lastWriteProgress > options.writeTimeout().toNanos()) {
      WriteTimeoutException timeout = new WriteTimeoutException("the peer took none of " + queuedBytes()
          + " queued bytes for " + options.writeTimeout().toMillis() + " ms");
      if (closing) {
        if (closingCause != null) {
          timeout.addSuppressed(closingCause);
        }
      }
      close(CloseReason.WRITE_TIMEOUT, timeout);
      return;
    }
    if (now - lastActive > RELEASE_AFTER_NANOS) {
      reader.release();
      writer.release();
      endpoint.release();
    }
  }

  ConnectionOptions options() {
    return options;
  }

  /** Bytes of buffers this connection holds now, for its read and its write queue. */
  int bufferBytes() {
    return reader.capacity() + writer.capacity() + (endpoint == null ? 0 : endpoint.bufferBytes());
  }

  void close(CloseReason reason, Throwable cause) {
    if (closed) {
      return;
    }
    closed = true;
    closeTransport();
    writer.discard();
    queuedLessTaken = -taken;
    loop.forget(this);
    try {
      handler.onClose(this, reason, cause);
    } catch (Throwable e) {
      loop.report(this, e);
    }
  }

  /** Closes the socket (or endpoint) without a word to the handler: for closing, and for a loop that must end. */
  void closeTransport() {
    try {
      if (endpoint != null) {
        endpoint.close();
      } else if (channel != null) {
        channel.close();
      }
    } catch (Throwable e) {
      // It is closed all the same, or as closed as it can be (an OutOfMemoryError while closing).
    }
  }

  SocketChannel channel() {
    return channel;
  }

  /**
   * A message in the outbox, the message sent before it, and the frame bytes of every message ever
   * put in the connection's outbox up to this one: the latest's is the outbox's, read without
   * adding up. The floor, below the messages the loop has not taken, holds no message.
   */
  private static final class Sent<O> {
    final O message;
    Sent<O> next;
    long total;

    Sent(O message) {
      this.message = message;
    }

    static <O> Sent<O> floor(long total) {
      Sent<O> floor = new Sent<>(null);
      floor.total = total;
      return floor;
    }
  }
}

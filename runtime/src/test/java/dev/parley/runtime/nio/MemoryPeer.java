package dev.parley.runtime.nio;

import dev.parley.runtime.Conversation;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Handler;
import dev.parley.runtime.Connection;
import dev.parley.runtime.Protocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;

/**
 * A connection of a real {@link EventLoop} over bytes in memory instead of a socket, as Netty's
 * {@code EmbeddedChannel} runs a pipeline: the test plays the peer, handing the connection bytes
 * ({@link #send}), ending its side ({@link #endInput}), taking what the connection wrote
 * ({@link #takeWritten}), refusing to take more ({@link #stopReading}), or failing. Each read the
 * connection makes gets at most what the read {@link Chunking} allows, each write takes at most
 * what the write one allows, so a case runs under every way the kernel may split a stream, fast
 * and without sockets. The loop's thread does all the connection's work; the peer's actions wait
 * for the round they started to end, flush included.
 */
final class MemoryPeer implements Endpoint {

  /** How many bytes one read gives or one write takes; called on the loop's thread. */
  @FunctionalInterface
  interface Chunking extends IntSupplier {
    static Chunking oneByte() {
      return () -> 1;
    }

    static Chunking whole() {
      return () -> Integer.MAX_VALUE;
    }

    static Chunking random(long seed, int max) {
      java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
      return () -> 1 + rnd.nextInt(max);
    }
  }

  private final EventLoop loop;
  private final Chunking reads;
  private final Chunking writes;
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private byte[] inbound = new byte[0];
  private int inboundAt;
  private boolean ended;
  private boolean readingStopped;
  private IOException failure;
  private int interest;
  private boolean open = true;
  private boolean outputShut;
  private NioConnection<?, ?> connection;

  private MemoryPeer(EventLoop loop, Chunking reads, Chunking writes) {
    this.loop = loop;
    this.reads = reads;
    this.writes = writes;
  }

  /** A connection of {@code loop} whose peer is the test. */
  static <M> MemoryPeer open(EventLoop loop, Protocol<M> protocol, Handler<M, M> handler, ConnectionOptions options,
      Chunking reads, Chunking writes) throws IOException {
    return open(loop, Conversation.of(protocol), handler, options, reads, writes);
  }

  /** A connection of {@code loop} that receives and sends as {@code conversation} says, whose peer is the test. */
  static <I, O> MemoryPeer open(EventLoop loop, Conversation<I, O> conversation, Handler<I, O> handler,
      ConnectionOptions options, Chunking reads, Chunking writes) throws IOException {
    MemoryPeer peer = new MemoryPeer(loop, reads, writes);
    peer.connection = loop.embed(conversation, handler, options, peer, true);
    peer.pumpNow();
    return peer;
  }

  NioConnection<?, ?> connection() {
    return connection;
  }

  /** The peer sends {@code bytes}; the connection reads them as its chunking allows. */
  void send(byte[] bytes) throws IOException {
    onLoop(() -> {
      byte[] rest = Arrays.copyOfRange(inbound, inboundAt, inbound.length);
      inbound = Arrays.copyOf(rest, rest.length + bytes.length);
      System.arraycopy(bytes, 0, inbound, rest.length, bytes.length);
      inboundAt = 0;
      pump();
      return null;
    });
  }

  /** The peer shuts down its output: after the bytes sent, a read gives -1. */
  void endInput() throws IOException {
    onLoop(() -> {
      ended = true;
      pump();
      return null;
    });
  }

  /** The peer stops taking bytes (its window is full) or takes them again. */
  void stopReading(boolean stopped) throws IOException {
    onLoop(() -> {
      readingStopped = stopped;
      pump();
      return null;
    });
  }

  /** The peer resets: every later read and write fails, as after an RST. */
  void reset() throws IOException {
    onLoop(() -> {
      failure = new IOException("Connection reset by peer");
      pump();
      return null;
    });
  }

  /** Everything the connection wrote since the last call. */
  byte[] takeWritten() throws IOException {
    return onLoop(() -> {
      pump();
      byte[] bytes = written.toByteArray();
      written.reset();
      return bytes;
    });
  }

  /** Bytes sent and not yet read by the connection. */
  int unread() throws IOException {
    return onLoop(() -> inbound.length - inboundAt);
  }

  private void pumpNow() throws IOException {
    onLoop(() -> {
      pump();
      return null;
    });
  }

  private <T> T onLoop(Callable<T> action) throws IOException {
    return loop.callAndFlush(() -> {
      T result = action.call();
      pump();
      return result;
    });
  }

  /** What a selector would do: tell the connection while it wants to and can move bytes. */
  private void pump() {
    for (int rounds = 0; rounds < 1_000_000 && open; rounds++) {
      boolean moved = false;
      if ((interest & SelectionKey.OP_WRITE) != 0 && (failure != null || !readingStopped)) {
        int before = written.size();
        connection.flush();
        moved = written.size() != before;
      }
      if ((interest & SelectionKey.OP_READ) != 0 && (inboundAt < inbound.length || ended || failure != null)) {
        int before = inboundAt;
        connection.readable();
        moved |= inboundAt != before || ended || failure != null;
      }
      if (!moved) {
        return;
      }
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (failure != null) {
      throw failure;
    }
    int available = inbound.length - inboundAt;
    if (available == 0) {
      return ended ? -1 : 0;
    }
    int n = Math.min(Math.min(reads.getAsInt(), available), dst.remaining());
    dst.put(inbound, inboundAt, n);
    inboundAt += n;
    return n;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (readingStopped) {
      return 0;
    }
    int n = Math.min(writes.getAsInt(), src.remaining());
    byte[] bytes = new byte[n];
    src.get(bytes);
    written.writeBytes(bytes);
    return n;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }

  @Override
  public void interest(int ops) {
    interest = ops;
  }

  @Override
  public void shutdownOutput() {
    outputShut = true;
  }

  /** Whether the connection said it will write no more. */
  boolean outputShut() throws IOException {
    return onLoop(() -> outputShut);
  }

  @Override
  public SocketAddress remoteAddress() {
    return null;
  }
}

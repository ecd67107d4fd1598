package dev.parley.benchmarks;

import dev.parley.runtime.Connection;
import dev.parley.runtime.BlockingServer;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.ErrorHook;
import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.nio.EventLoop;
import dev.parley.runtime.Handler;
import dev.parley.runtime.nio.NioConnection;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server that echoes every frame and closes a connection whose length prefix is above 1 MiB:
 * Parley's two transports, and for each the plain JDK server a reader would compare it with.
 */
interface EchoServer extends Closeable {

  /** The largest body any of the servers accepts, as {@link FrameFormat#DEFAULT_MAX_FRAME_LENGTH}. */
  int MAX_BODY = FrameFormat.DEFAULT_MAX_FRAME_LENGTH;

  /**
   * Long enough that no connection is closed while it is measured; a frame deadline is on by
   * default (30 s from the accept), and a longer one holds the same objects.
   */
  Duration FRAME_TIMEOUT = Duration.ofMinutes(10);

  /** What a refused connection would report: nothing, so that logging is not measured. */
  ErrorHook SILENT = (where, error) -> {};

  /** The four servers measured. */
  enum Kind {
    EVENT_LOOP("Parley event loop"),
    SELECTOR("plain Selector loop"),
    BLOCKING("Parley BlockingServer"),
    THREADS("plain ServerSocket, a thread per connection");

    final String label;

    Kind(String label) {
      this.label = label;
    }

    EchoServer start() throws IOException {
      return switch (this) {
        case EVENT_LOOP -> new ParleyEventLoop();
        case SELECTOR -> new PlainSelector();
        case BLOCKING -> new ParleyBlocking();
        case THREADS -> new PlainThreads();
      };
    }
  }

  InetSocketAddress address();

  /** Connections open now. */
  int connectionCount();

  /** The one thread that accepts, reads and closes every connection, for a server that has one. */
  Optional<Thread> loopThread();

  /** Parley's event loop, default options but the frame deadline. */
  final class ParleyEventLoop implements EchoServer {
    private static final String THREAD = "parley-measured-loop";
    private final EventLoop loop;
    private final InetSocketAddress address;

    ParleyEventLoop() throws IOException {
      loop = EventLoop.start(THREAD, SILENT);
      address = loop.listen(FramingThroughput.ANY, RawBytes.INSTANCE, new Handler<>() {
        @Override
        public void onMessage(Connection<Bytes, Bytes> connection, Bytes message) {
          connection.send(message);
        }
      }, ConnectionOptions.defaults().withFrameTimeout(FRAME_TIMEOUT));
    }

    @Override
    public InetSocketAddress address() {
      return address;
    }

    @Override
    public int connectionCount() {
      return loop.connectionCount();
    }

    @Override
    public Optional<Thread> loopThread() {
      return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(THREAD)).findFirst();
    }

    @Override
    public void close() {
      loop.close();
    }
  }

  /** Parley's thread-per-connection server on its own cached pool, default options but the frame deadline. */
  final class ParleyBlocking implements EchoServer {
    private final BlockingServer<Bytes, Bytes> server;

    ParleyBlocking() throws IOException {
      server = BlockingServer.builder(RawBytes.INSTANCE, connection -> connection.receiveAll(connection::send))
          .options(ConnectionOptions.defaults().withFrameTimeout(FRAME_TIMEOUT))
          .errorHook(SILENT)
          .listen(FramingThroughput.ANY);
    }

    @Override
    public InetSocketAddress address() {
      return server.address();
    }

    @Override
    public int connectionCount() {
      return server.connectionCount();
    }

    @Override
    public Optional<Thread> loopThread() {
      return Optional.empty();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  /**
   * The anchor for the event loop: one thread, one selector, every accepted channel non-blocking,
   * registered for reading and kept in a list; one 64 KiB buffer shared by all, into which each
   * read goes and from which it is echoed. A read whose first four bytes exceed the maximum closes
   * the channel (each request here arrives in one read).
   */
  final class PlainSelector implements EchoServer {
    private final Selector selector = Selector.open();
    private final ServerSocketChannel server = ServerSocketChannel.open();
    private final List<SocketChannel> channels = new ArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Thread thread = new Thread(this::run, "plain-selector");
    private volatile boolean closed;

    PlainSelector() throws IOException {
      server.bind(FramingThroughput.ANY, ListenOptions.defaults().backlog());
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      ByteBuffer shared = ByteBuffer.allocate(64 * 1024);
      try {
        while (!closed) {
          selector.select();
          Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
          while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            if (!key.isValid()) {
              continue;
            }
            if (key.isAcceptable()) {
              for (SocketChannel channel = server.accept(); channel != null; channel = server.accept()) {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.register(selector, SelectionKey.OP_READ);
                channels.add(channel);
                open.incrementAndGet();
              }
            } else if (key.isReadable()) {
              echo(key, shared);
            }
          }
        }
      } catch (IOException e) {
        if (!closed) {
          throw new IllegalStateException("the anchor's selector failed", e);
        }
      }
    }

    private void echo(SelectionKey key, ByteBuffer shared) throws IOException {
      SocketChannel channel = (SocketChannel) key.channel();
      shared.clear();
      int n;
      try {
        n = channel.read(shared);
      } catch (IOException e) {
        n = -1;
      }
      if (n < 0 || (shared.position() >= 4 && Integer.toUnsignedLong(shared.getInt(0)) > MAX_BODY)) {
        key.cancel();
        channel.close();
        channels.remove(channel);
        open.decrementAndGet();
        return;
      }
      shared.flip();
      while (shared.hasRemaining()) {
        channel.write(shared);
      }
    }

    @Override
    public InetSocketAddress address() {
      try {
        return (InetSocketAddress) server.getLocalAddress();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public int connectionCount() {
      return open.get();
    }

    @Override
    public Optional<Thread> loopThread() {
      return Optional.of(thread);
    }

    @Override
    public void close() throws IOException {
      closed = true;
      selector.wakeup();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (SocketChannel channel : channels) {
        channel.close();
      }
      server.close();
      selector.close();
    }
  }

  /**
   * The anchor for the blocking server: one thread accepts and hands each socket to a thread of a
   * cached pool (as {@link BlockingServer}'s own), which reads it a byte at a time into a 1-byte
   * array: the four bytes of the prefix, then the body, echoing each byte. A prefix above the
   * maximum closes the socket. The open sockets are kept in a concurrent set, as Parley's are.
   */
  final class PlainThreads implements EchoServer {
    private final ServerSocket server = new ServerSocket();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final ExecutorService pool = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "plain-connection");
      thread.setDaemon(true);
      return thread;
    });
    private final Thread acceptor = new Thread(this::accept, "plain-accept");
    private volatile boolean closed;

    PlainThreads() throws IOException {
      server.bind(FramingThroughput.ANY, ListenOptions.defaults().backlog());
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void accept() {
      while (!closed) {
        try {
          Socket socket = server.accept();
          socket.setTcpNoDelay(true);
          sockets.add(socket);
          pool.execute(() -> serve(socket));
        } catch (IOException e) {
          if (!closed) {
            throw new IllegalStateException("the anchor's accept failed", e);
          }
        }
      }
    }

    private void serve(Socket socket) {
      try (socket) {
        byte[] one = new byte[1];
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        while (true) {
          long length = 0;
          for (int i = 0; i < 4; i++) {
            if (in.read(one) < 0) {
              return;
            }
            length = length << 8 | (one[0] & 0xFF);
          }
          if (length > MAX_BODY) {
            return;
          }
          for (int shift = 24; shift >= 0; shift -= 8) {
            one[0] = (byte) (length >>> shift);
            out.write(one);
          }
          for (long i = 0; i < length; i++) {
            if (in.read(one) < 0) {
              return;
            }
            out.write(one);
          }
        }
      } catch (IOException e) {
        // the peer is gone: so is the connection
      } finally {
        sockets.remove(socket);
      }
    }

    @Override
    public InetSocketAddress address() {
      return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public int connectionCount() {
      return sockets.size();
    }

    @Override
    public Optional<Thread> loopThread() {
      return Optional.empty();
    }

    @Override
    public void close() throws IOException {
      closed = true;
      server.close();
      for (Socket socket : sockets) {
        socket.close();
      }
      pool.shutdown();
    }
  }
}

package dev.parley.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * A thread-per-connection server: one thread accepts, and each connection runs its handler on the
 * {@link Executor} the caller chooses (a fixed pool, a cached pool, or virtual threads on Java 21
 * and later). A handler's exception closes its own connection only. {@link #close()} stops
 * accepting, closes every connection (unblocking their handlers) and waits for the accepting
 * thread; the executor stays the caller's to shut down.
 *
 * @param <M> the protocol's messages
 */
public final class BlockingServer<M> implements Closeable {

  /** What a server does with each connection. */
  @FunctionalInterface
  public interface Handler<M> {
    /** Serves one connection; it is closed when this returns or throws. */
    void handle(BlockingConnection<M> connection) throws IOException;
  }

  private final ServerSocket serverSocket;
  private final Protocol<M> protocol;
  private final Executor executor;
  private final Handler<M> handler;
  private final Duration readTimeout;
  private final BiConsumer<SocketAddress, Throwable> onError;
  private final Set<BlockingConnection<M>> connections = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closed;

  private BlockingServer(ServerSocket serverSocket, Protocol<M> protocol, Executor executor,
      Handler<M> handler, Duration readTimeout, BiConsumer<SocketAddress, Throwable> onError) {
    this.serverSocket = serverSocket;
    this.protocol = protocol;
    this.executor = executor;
    this.handler = handler;
    this.readTimeout = readTimeout;
    this.onError = onError;
    this.acceptor = new Thread(this::acceptLoop, "parley-accept-" + serverSocket.getLocalPort());
    this.acceptor.setDaemon(true);
  }

  /**
   * Starts a server on {@code bind} (port 0 for any free port).
   *
   * @param readTimeout the read timeout of each connection; {@link Duration#ZERO} for none
   * @param onError told of each connection that ended with an error (a protocol error, a reset,
   *     a handler's exception); it must not block
   */
  public static <M> BlockingServer<M> start(InetSocketAddress bind, Protocol<M> protocol, Executor executor,
      Duration readTimeout, BiConsumer<SocketAddress, Throwable> onError, Handler<M> handler) throws IOException {
    ServerSocket serverSocket = new ServerSocket();
    try {
      serverSocket.setReuseAddress(true);
      serverSocket.bind(bind);
    } catch (IOException e) {
      serverSocket.close();
      throw e;
    }
    BlockingServer<M> server = new BlockingServer<>(serverSocket, Objects.requireNonNull(protocol),
        Objects.requireNonNull(executor), Objects.requireNonNull(handler), readTimeout, onError);
    server.acceptor.start();
    return server;
  }

  /** The address the server listens on, with its actual port. */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  /** Connections open now. */
  public int connectionCount() {
    return connections.size();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (!closed) {
          onError.accept(address(), e);
        }
        continue;
      }
      serve(socket);
    }
  }

  private void serve(Socket socket) {
    BlockingConnection<M> connection;
    try {
      connection = BlockingConnection.over(socket, protocol);
      connection.setReadTimeout(readTimeout);
    } catch (IOException e) {
      closeQuietly(socket);
      return;
    }
    connections.add(connection);
    if (closed) {
      closeQuietly(connection);
      connections.remove(connection);
      return;
    }
    try {
      executor.execute(() -> run(connection, socket.getRemoteSocketAddress()));
    } catch (RejectedExecutionException e) {
      connections.remove(connection);
      closeQuietly(connection);
      onError.accept(socket.getRemoteSocketAddress(), e);
    }
  }

  private void run(BlockingConnection<M> connection, SocketAddress peer) {
    try {
      handler.handle(connection);
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        onError.accept(peer, e);
      }
    } finally {
      connections.remove(connection);
      closeQuietly(connection);
    }
  }

  /** Stops accepting, closes every connection, and waits up to 5 s for the accepting thread. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    serverSocket.close();
    for (BlockingConnection<M> connection : connections) {
      closeQuietly(connection);
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // Closing a broken socket can fail; it is closed all the same.
    }
  }
}

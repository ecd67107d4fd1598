package dev.parley.runtime;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Serves a {@link BlockingServer} connection with a {@link Handler}, on the connection's thread, as
 * the event loop would on its own: open, each message in order, the close with its reason. The
 * handler sees the connection as a {@link Connection}: a send writes before it returns, and never
 * throws for a failed write (the server side keeps that failure for the next read, which ends the
 * connection with {@link CloseReason#IO_ERROR}).
 */
final class HandlerSession<I, O> implements Connection<I, O> {

  private BlockingConnection<I, O> connection;
  private Handler<I, O> handler;
  private final Thread thread = Thread.currentThread();
  /** Why starting TLS failed and closed the connection, for the handler to hear; null otherwise. */
  private IOException tlsFailure;
  /** Set when this side closed the connection, so that the handler hears CLOSED, not an error. */
  private volatile boolean closedHere;

  private HandlerSession(BlockingConnection<I, O> connection, Handler<I, O> handler) {
    this.connection = connection;
    this.handler = handler;
  }

  static <I, O> Sessions<I, O> of(Supplier<? extends Handler<I, O>> handlers) {
    return new Sessions<>(handlers);
  }

  /**
   * A handler from the factory for each connection. With TLS, the handshake is the session's
   * first act, so that the handler hears why it failed, as on the event loop.
   */
  static final class Sessions<I, O> implements BlockingServer.Session<I, O> {
    private final Supplier<? extends Handler<I, O>> handlers;

    Sessions(Supplier<? extends Handler<I, O>> handlers) {
      this.handlers = handlers;
    }

    @Override
    public void serve(BlockingConnection<I, O> connection) throws IOException {
      serve(connection, null);
    }

    void serve(BlockingConnection<I, O> connection, Tls tls) throws IOException {
      Handler<I, O> handler = Objects.requireNonNull(handlers.get(), "the handler factory gave null");
      new HandlerSession<>(connection, handler).run(tls);
    }
  }

  private void run(Tls tls) throws IOException {
    CloseReason reason;
    Throwable cause = null;
    try {
      if (tls != null) {
        connection.startTls(tls); // onOpen follows the handshake, as on the event loop
      }
      try {
        handler.onOpen(this);
      } catch (Throwable e) {
        throw new HandlerFailure(e);
      }
      if (connection.isOpen()) {
        connection.receiveAll(message -> {
          try {
            handler.onMessage(this, message);
          } catch (Throwable e) {
            throw new HandlerFailure(e);
          }
        });
      }
      reason = closedHere ? CloseReason.CLOSED : CloseReason.PEER_CLOSED;
    } catch (HandlerFailure e) {
      reason = CloseReason.HANDLER_ERROR;
      cause = e.getCause();
    } catch (Exception e) {
      if (tlsFailure != null) {
        reason = CloseReason.ofRead(tlsFailure);
        cause = tlsFailure;
      } else if (closedHere) {
        reason = CloseReason.CLOSED;
      } else {
        reason = CloseReason.ofRead(e);
        cause = e;
      }
    } catch (Error e) {
      reason = CloseReason.ERROR;
      cause = e;
    }
    connection.close();
    try {
      handler.onClose(this, reason, cause);
    } finally {
      if (cause instanceof Error error) {
        throw error;
      }
    }
    if (cause != null && reason != CloseReason.PEER_CLOSED && reason != CloseReason.CLOSED) {
      // The server's error hook hears it, as it hears a session's failure.
      throw cause instanceof IOException io ? io : new IOException(cause.toString(), cause);
    }
  }

  /** A handler's exception, carried out of the receive loop so that it is told from the connection's own. */
  private static final class HandlerFailure extends IOException {
    private static final long serialVersionUID = 1L;

    HandlerFailure(Throwable cause) {
      super(cause);
    }
  }

  @Override
  public boolean send(O message) {
    if (!connection.isOpen()) {
      return false;
    }
    try {
      connection.send(message);
      return connection.isOpen();
    } catch (IOException e) {
      return false; // kept by the connection for the next read, which ends it with the failure
    }
  }

  @Override
  public void close() {
    closedHere = true;
    try {
      connection.close();
    } catch (IOException e) {
      // closed all the same
    }
  }

  /** Does the whole handshake on this thread; a failure closes the connection, and the handler hears why. */
  @Override
  public boolean startTls(Tls settings) {
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("startTls is for the connection's own thread, from its handler");
    }
    if (!connection.isOpen()) {
      return false;
    }
    try {
      connection.startTls(settings);
      return true;
    } catch (IOException e) {
      tlsFailure = e;
      return false;
    }
  }

  @Override
  public boolean isWritable() {
    return connection.isOpen();
  }

  @Override
  public void closeWhenSent() {
    close(); // every send has been written before it returned
  }

  @Override
  public boolean isOpen() {
    return connection.isOpen();
  }

  @Override
  public Optional<SocketAddress> remoteAddress() {
    return connection.remoteAddress();
  }

  @Override
  public Conversation<I, O> conversation() {
    return connection.conversation();
  }

  @Override
  public int pendingBytes() {
    return 0;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <J, P> Connection<J, P> switchTo(Conversation<J, P> next, Handler<J, P> nextHandler) {
    Objects.requireNonNull(nextHandler, "handler");
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("switchTo is for the connection's own thread, from its handler");
    }
    if (!connection.isOpen()) {
      throw new IllegalStateException("the connection is closed");
    }
    HandlerSession<J, P> switched = (HandlerSession<J, P>) (HandlerSession<?, ?>) this;
    switched.connection = connection.switchTo(next);
    switched.handler = nextHandler;
    return switched;
  }
}

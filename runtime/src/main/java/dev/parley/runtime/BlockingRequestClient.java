package dev.parley.runtime;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link RequestClient} over a {@link BlockingConnection}: callers write their requests on their
 * own threads, one at a time under the client's send lock (so that, in order, requests are put in
 * flight in the order they are written), and a daemon thread of the client's reads the replies.
 * The send lock is never taken by the reader: a writer blocked by a peer that is not reading
 * cannot stop the replies that would unblock it from being read.
 */
final class BlockingRequestClient<Q, R> extends RequestClient<Q, R> {

  private final BlockingConnection<R, Q> connection;
  private final Object sendLock = new Object();
  private final Thread reader;

  private BlockingRequestClient(BlockingConnection<R, Q> connection, Correlation<Q, R> correlation,
      RequestOptions options) {
    super(correlation, options, false);
    this.connection = connection;
    this.reader = new Thread(this::receive,
        "parley-request-reader-" + connection.remoteAddress().map(String::valueOf).orElse("stream"));
    this.reader.setDaemon(true);
  }

  static <Q, R> BlockingRequestClient<Q, R> start(BlockingConnection<R, Q> connection, Correlation<Q, R> correlation,
      RequestOptions options) {
    Objects.requireNonNull(connection, "connection");
    BlockingRequestClient<Q, R> client = new BlockingRequestClient<>(connection, correlation, options);
    client.reader.start();
    return client;
  }

  @Override
  void transmit(PendingRequest<R, ?> request, Q message) {
    Throwable refused;
    IOException writeFailed = null;
    synchronized (sendLock) {
      refused = register(request);
      if (refused == null) {
        try {
          connection.send(message);
        } catch (IOException e) {
          writeFailed = e;
        } catch (RuntimeException e) {
          withdraw(request); // it did not encode: nothing of it was written
          refused = e;
        }
      }
    }
    if (writeFailed != null) {
      // A frame may have gone out in part: the stream is lost. Whatever else waits fails too.
      closeWith(CloseReason.IO_ERROR, writeFailed);
      request.completeExceptionally(failure());
    } else if (refused != null) {
      request.completeExceptionally(refused);
    } else {
      request.written();
    }
  }

  /** The reader's loop: every reply to {@link #received} until the connection ends. */
  private void receive() {
    CloseReason reason = CloseReason.PEER_CLOSED;
    Throwable cause = null;
    try {
      while (true) {
        try {
          connection.receiveAll(this::received);
          break;
        } catch (FrameTimeoutException | WriteTimeoutException e) {
          throw e; // these close the connection
        } catch (SocketTimeoutException e) {
          // The connection's read timeout: nothing is lost, and the client waits for replies on.
        }
      }
    } catch (IOException e) {
      reason = CloseReason.ofRead(e);
      cause = e;
    } catch (RuntimeException e) {
      reason = CloseReason.HANDLER_ERROR; // a key function or a last-frame predicate threw
      cause = e;
    } catch (Error e) {
      closeWith(CloseReason.ERROR, e);
      throw e;
    }
    closeWith(reason, cause);
  }

  @Override
  boolean onReceivingThread() {
    return Thread.currentThread() == reader;
  }

  @Override
  void closeTransport() {
    try {
      connection.close();
    } catch (IOException e) {
      // closed all the same
    }
  }

  @Override
  void tick() {
    sweep(); // under the client's lock, on the timer's thread
  }

  @Override
  void closeRequested() {
    closeWith(CloseReason.CLOSED, null);
  }

  @Override
  public Optional<SocketAddress> remoteAddress() {
    return connection.remoteAddress();
  }
}

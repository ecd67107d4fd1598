package dev.parley.runtime;

import dev.parley.runtime.nio.EventLoop;
import dev.parley.runtime.nio.NioConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link RequestClient} on an {@link EventLoop}: requests are put in flight and written on the
 * loop's thread, in the order the calls were handed to it (a call made on the loop's thread, from
 * a stage or another handler, is written at once), and replies are matched there as they are
 * read. A call from another thread is a task for the loop, so that a request that does not encode
 * fails its own future instead of going to the loop's error hook. Everything that touches the
 * requests in flight, the close and the sweep for deadlines included, runs on the loop's thread:
 * they need no lock.
 */
final class NioRequestClient<Q, R> extends RequestClient<Q, R> {

  private final EventLoop loop;
  /** Set as soon as the loop gave it; the handler's callbacks have it before that. */
  private volatile NioConnection<R, Q> connection;
  /** Whether a sweep waits in the loop's tasks: the timer queues one at a time. */
  private volatile boolean sweepQueued;
  private final Runnable sweeper = () -> {
    sweepQueued = false;
    sweep();
  };

  private NioRequestClient(EventLoop loop, Correlation<Q, R> correlation, RequestOptions options) {
    super(correlation, options, true);
    this.loop = loop;
  }

  static <Q, R> NioRequestClient<Q, R> open(EventLoop loop, InetSocketAddress address,
      Conversation<R, Q> conversation, Correlation<Q, R> correlation, ConnectionOptions connectionOptions,
      RequestOptions options) throws IOException {
    Objects.requireNonNull(loop, "loop");
    NioRequestClient<Q, R> client = new NioRequestClient<>(loop, correlation, options);
    client.connection = loop.connect(address, conversation, client.new Receiver(), connectionOptions);
    return client;
  }

  @Override
  void transmit(PendingRequest<R, ?> request, Q message) {
    if (loop.inLoop()) {
      transmitHere(request, message);
      return;
    }
    loop.execute(() -> transmitHere(request, message));
    IOException ended = failure();
    if (ended != null) {
      request.completeExceptionally(ended); // a loop that has stopped runs no more tasks
    }
  }

  private void transmitHere(PendingRequest<R, ?> request, Q message) {
    Throwable refused = register(request);
    if (refused == null) {
      try {
        if (!connection.send(message) && !request.expectsReply()) {
          refused = new IOException("the connection is closing: the request was not sent");
        }
        // One that expects a reply and was not queued is failed by the close under way.
      } catch (RuntimeException e) {
        withdraw(request); // it did not encode: nothing was queued
        refused = e;
      }
    }
    if (refused != null) {
      request.completeExceptionally(refused);
    } else {
      request.written();
    }
  }

  @Override
  boolean onReceivingThread() {
    return loop.inLoop();
  }

  @Override
  void closeTransport() {
    NioConnection<R, Q> open = connection;
    if (open != null) {
      open.close();
    }
  }

  @Override
  void tick() {
    if (!sweepQueued) {
      sweepQueued = true;
      loop.execute(sweeper); // the table is the loop's: the sweep, and the timeouts' stages, run there
    }
  }

  @Override
  void closeRequested() {
    if (loop.inLoop()) {
      closeWith(CloseReason.CLOSED, null);
    } else {
      connection.close(); // on the loop: its handler hears CLOSED, and fails what waits there
    }
  }

  @Override
  public Optional<SocketAddress> remoteAddress() {
    NioConnection<R, Q> open = connection;
    return open == null ? Optional.empty() : open.remoteAddress();
  }

  /** The connection's handler, on the loop's thread. */
  private final class Receiver implements Handler<R, Q> {
    @Override
    public void onMessage(Connection<R, Q> from, R reply) {
      try {
        received(reply);
      } catch (ProtocolException e) {
        closeWith(CloseReason.PROTOCOL_ERROR, e);
      }
    }

    @Override
    public void onClose(Connection<R, Q> from, CloseReason reason, Throwable cause) {
      closeWith(reason, cause);
    }
  }
}

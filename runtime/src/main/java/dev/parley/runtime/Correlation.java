package dev.parley.runtime;

import java.util.Objects;
import java.util.function.Function;

/**
 * How a {@link RequestClient} finds the request a reply answers.
 *
 * <ul>
 *   <li>{@link #inOrder()}: the server answers requests in the order they arrived (PostgreSQL,
 *       MySQL, Redis): the oldest request waiting takes each frame, until its last.
 *   <li>{@link #byKey}: each reply carries a field that names its request (memcached's opaque,
 *       DNS's id, Modbus TCP's transaction id, Cassandra's stream id), and replies may come in any
 *       order. Two requests in flight with the same key are the caller's error: the second call
 *       fails at once. A key stays in flight until its reply comes or the connection ends, even
 *       after its request timed out, so that a late reply is not taken for a newer request's.
 * </ul>
 *
 * <p>A reply that matches no request (a key nobody waits for, or, in order, any reply when none
 * is expected) is a protocol error: the client closes the connection, and every request waiting
 * fails with it.
 *
 * <p>Quiet requests ({@link RequestClient#callQuiet}) need keys. They follow memcached's rule: the
 * server answers in order even when the replies carry keys, so the first frame that answers a
 * later request proves that every quiet request before it got no reply. A quiet GetQ is usually
 * followed by a No-op whose reply settles it.
 *
 * @param <Q> the requests
 * @param <R> the replies
 */
public final class Correlation<Q, R> {

  private final Function<? super Q, ?> requestKey;
  private final Function<? super R, ?> replyKey;

  private Correlation(Function<? super Q, ?> requestKey, Function<? super R, ?> replyKey) {
    this.requestKey = requestKey;
    this.replyKey = replyKey;
  }

  /** Replies in the order their requests were written. */
  public static <Q, R> Correlation<Q, R> inOrder() {
    return new Correlation<>(null, null);
  }

  /**
   * Replies matched to requests by a key each carries, compared with {@code equals}. Neither
   * function may return null. They run on the thread that sends and the one that receives (the
   * event loop's, for a client on a loop): they must be quick and must not block.
   */
  public static <Q, R, K> Correlation<Q, R> byKey(Function<? super Q, ? extends K> requestKey,
      Function<? super R, ? extends K> replyKey) {
    return new Correlation<>(Objects.requireNonNull(requestKey, "requestKey"),
        Objects.requireNonNull(replyKey, "replyKey"));
  }

  /** Whether replies are matched by key; if not, in order. */
  public boolean isByKey() {
    return requestKey != null;
  }

  Object requestKey(Q request) {
    Object key = requestKey.apply(request);
    if (key == null) {
      throw new NullPointerException("the request key of " + request + " is null");
    }
    return key;
  }

  /** The key of {@code reply}, or null: a reply without a key matches no request. */
  Object replyKey(R reply) {
    return replyKey.apply(reply);
  }

  InFlight<R> newInFlight() {
    return isByKey() ? new InFlight.ByKey<>() : new InFlight.InOrder<>();
  }

  @Override
  public String toString() {
    return isByKey() ? "Correlation.byKey" : "Correlation.inOrder";
  }
}

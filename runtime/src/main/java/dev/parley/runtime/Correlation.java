package dev.parley.runtime;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * How a {@link RequestClient} finds the request a reply answers.
 *
 * <ul>
 *   <li>{@link #inOrder()}: the server answers requests in the order they arrived (PostgreSQL,
 *       MySQL, Redis): the oldest request waiting takes each frame, until its last.
 *   <li>{@link #byKey} and {@link #byIntKey}: each reply carries a field that names its request
 *       (memcached's opaque, DNS's id, Modbus TCP's transaction id, Cassandra's stream id), and
 *       replies may come in any order. Two requests in flight with the same key are the caller's error: the second call
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

  /** Makes the table of requests in flight for a client of at most {@code maxInFlight}. */
  private final IntFunction<InFlight<Q, R>> tables;
  private final String name;
  private final boolean byKey;

  private Correlation(IntFunction<InFlight<Q, R>> tables, String name, boolean byKey) {
    this.tables = tables;
    this.name = name;
    this.byKey = byKey;
  }

  /** Replies in the order their requests were written. */
  public static <Q, R> Correlation<Q, R> inOrder() {
    return new Correlation<>(maxInFlight -> new InFlight.InOrder<>(), "Correlation.inOrder", false);
  }

  /**
   * Replies matched to requests by a key each carries, compared with {@code equals}. Neither
   * function may return null. They run on the thread that sends and the one that receives (the
   * event loop's, for a client on a loop; on a blocking client the receiving thread holds the
   * client's table lock meanwhile): they must be quick, must not block and must not call the
   * client.
   */
  public static <Q, R, K> Correlation<Q, R> byKey(Function<? super Q, ? extends K> requestKey,
      Function<? super R, ? extends K> replyKey) {
    Objects.requireNonNull(requestKey, "requestKey");
    Objects.requireNonNull(replyKey, "replyKey");
    return new Correlation<>(maxInFlight -> new InFlight.ByKey<>(requestKey, replyKey, maxInFlight), "Correlation.byKey", true);
  }

  /**
   * Replies matched to requests by an int key each carries (memcached's opaque, DNS's id, Modbus's
   * transaction id, Cassandra's stream id), as {@link #byKey} does, without boxing a key.
   */
  public static <Q, R> Correlation<Q, R> byIntKey(ToIntFunction<? super Q> requestKey,
      ToIntFunction<? super R> replyKey) {
    Objects.requireNonNull(requestKey, "requestKey");
    Objects.requireNonNull(replyKey, "replyKey");
    return new Correlation<>(maxInFlight -> new InFlight.ByIntKey<>(requestKey, replyKey, maxInFlight),
        "Correlation.byIntKey", true);
  }

  /** Whether replies are matched by key; if not, in order. */
  public boolean isByKey() {
    return byKey;
  }

  InFlight<Q, R> newInFlight(int maxInFlight) {
    return tables.apply(maxInFlight);
  }

  @Override
  public String toString() {
    return name;
  }
}

package dev.parley.runtime;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The requests of a {@link RequestClient} waiting for their replies, and how a reply finds its
 * own: the oldest first ({@link InOrder}), or by key ({@link ByKey}, {@link ByIntKey}). Those with
 * a timeout are also on a list of their own, through their own fields, in the order they were
 * registered, until their reply comes or their time passes, so that a sweep for deadlines looks at
 * them alone. Not thread-safe: the client guards it with its lock, if it needs one, and completes
 * no future while holding it.
 *
 * @param <Q> the requests
 * @param <R> the replies
 */
abstract class InFlight<Q, R> {

  /** Numbers the requests in the order they were registered, which is the order they were written. */
  private long nextSequence;
  /** The oldest and newest timed requests whose reply has not come and whose time has not passed. */
  private PendingRequest<?, ?> firstTimed;
  private PendingRequest<?, ?> lastTimed;

  /** Gives {@code request} the key of {@code message}, before it is registered; no lock is needed. */
  void keyOf(PendingRequest<R, ?> request, Q message) {}

  /**
   * Registers {@code request}, just before it is written; one with a timeout goes on the list of
   * timed requests.
   *
   * @return null, or why it cannot wait here (its key is already in flight); then it is not registered
   */
  final String add(PendingRequest<R, ?> request) {
    request.sequence = nextSequence++;
    String refused = register(request);
    if (refused == null && request.timeoutNanos != 0) {
      request.timedBefore = lastTimed;
      if (lastTimed == null) {
        firstTimed = request;
      } else {
        lastTimed.timedAfter = request;
      }
      lastTimed = request;
    }
    return refused;
  }

  /** Takes {@code request} off the list of timed requests, if it is there. */
  private void untime(PendingRequest<?, ?> request) {
    if (request.timedBefore == null && firstTimed != request) {
      return; // not on the list: untimed, never registered, or already off it
    }
    PendingRequest<?, ?> before = request.timedBefore;
    PendingRequest<?, ?> after = request.timedAfter;
    if (before == null) {
      firstTimed = after;
    } else {
      before.timedAfter = after;
    }
    if (after == null) {
      lastTimed = before;
    } else {
      after.timedBefore = before;
    }
    request.timedBefore = null;
    request.timedAfter = null;
  }

  /**
   * Takes the timed requests whose deadline is past {@code now} off the list and adds them to
   * {@code expired}; they stay in flight until their reply comes.
   *
   * @return whether any timed request is left on the list
   */
  @SuppressWarnings("unchecked") // only PendingRequest<R, ?> are listed
  final boolean expire(long now, List<PendingRequest<R, ?>> expired) {
    for (PendingRequest<?, ?> request = firstTimed; request != null; ) {
      PendingRequest<?, ?> next = request.timedAfter;
      if (now - request.deadline >= 0) {
        untime(request);
        expired.add((PendingRequest<R, ?>) request);
      }
      request = next;
    }
    return firstTimed != null;
  }

  abstract String register(PendingRequest<R, ?> request);

  /**
   * The request a reply frame answers, or null if none does. One that {@linkplain
   * PendingRequest#takesOneFrame() takes one frame} is removed with it; one of several frames stays
   * until {@link #remove}. Quiet requests registered before it and still waiting are proved
   * unanswered: they are removed and added to {@code unanswered}.
   */
  final PendingRequest<R, ?> match(R reply, List<PendingRequest<R, ?>> unanswered) {
    int proved = unanswered.size();
    PendingRequest<R, ?> request = find(reply, unanswered);
    for (int i = proved; i < unanswered.size(); i++) {
      untime(unanswered.get(i));
    }
    if (request != null && request.takesOneFrame()) {
      untime(request);
    }
    return request;
  }

  /** What {@link #match} does, but for the list of timed requests. */
  abstract PendingRequest<R, ?> find(R reply, List<PendingRequest<R, ?>> unanswered);

  /** What a reply that matched nothing was, for the protocol error. */
  abstract String unmatched(R reply);

  /** Removes {@code request} if it is here: its last frame came, or it was never written. */
  final boolean remove(PendingRequest<R, ?> request) {
    if (!removeRequest(request)) {
      return false;
    }
    untime(request);
    return true;
  }

  abstract boolean removeRequest(PendingRequest<R, ?> request);

  /** Removes every request, adding each to {@code out}. */
  final void drainTo(List<PendingRequest<R, ?>> out) {
    drainRequests(out);
    while (firstTimed != null) {
      untime(firstTimed);
    }
  }

  abstract void drainRequests(List<PendingRequest<R, ?>> out);

  abstract int size();

  /** Replies in the order the requests went out: the oldest request takes every frame until its last. */
  static final class InOrder<Q, R> extends InFlight<Q, R> {
    private final ArrayDeque<PendingRequest<R, ?>> waiting = new ArrayDeque<>();

    @Override
    String register(PendingRequest<R, ?> request) {
      waiting.addLast(request);
      return null;
    }

    @Override
    PendingRequest<R, ?> find(R reply, List<PendingRequest<R, ?>> unanswered) {
      PendingRequest<R, ?> oldest = waiting.peekFirst();
      if (oldest != null && oldest.takesOneFrame()) {
        waiting.pollFirst();
      }
      return oldest;
    }

    @Override
    String unmatched(R reply) {
      return "a reply arrived with no request waiting for one";
    }

    @Override
    boolean removeRequest(PendingRequest<R, ?> request) {
      if (waiting.peekFirst() == request) {
        waiting.pollFirst();
        return true;
      }
      if (waiting.peekLast() == request) {
        waiting.pollLast(); // registered, then not written
        return true;
      }
      return waiting.removeFirstOccurrence(request);
    }

    @Override
    void drainRequests(List<PendingRequest<R, ?>> out) {
      out.addAll(waiting);
      waiting.clear();
    }

    @Override
    int size() {
      return waiting.size();
    }
  }

  /**
   * Replies carry their request's key. The requests are chained in buckets through their own
   * {@link PendingRequest#next} field, so that a request costs no node; a bucket is found from the
   * top bits of the key's int (the key itself, or its hash) times the golden ratio, which spreads a
   * run of consecutive keys over distinct buckets. There are twice as many buckets as requests may
   * be in flight. Quiet requests are also kept in the order they went out: a frame for a later
   * request proves that the server, answering in order, had nothing for them.
   */
  abstract static class Keyed<Q, R> extends InFlight<Q, R> {
    private final PendingRequest<?, ?>[] buckets;
    private final int shift;
    private int size;
    private final ArrayDeque<PendingRequest<R, ?>> quiet = new ArrayDeque<>();

    Keyed(int maxInFlight) {
      int bits = 33 - Integer.numberOfLeadingZeros(Math.max(1, maxInFlight) - 1 | 1); // 2^bits >= 2 * max
      this.buckets = new PendingRequest<?, ?>[1 << bits];
      this.shift = 32 - bits;
    }

    private int bucket(int hash) {
      return (hash * 0x9E3779B9) >>> shift;
    }

    @SuppressWarnings("unchecked") // only PendingRequest<R, ?> are chained
    private static <R> PendingRequest<R, ?> cast(PendingRequest<?, ?> request) {
      return (PendingRequest<R, ?>) request;
    }

    /**
     * The request whose key is {@code hash} (an int key) or, when {@code key} is not null, whose
     * key equals it (its hash being {@code hash}); removed if {@code remove}.
     */
    final PendingRequest<R, ?> lookUp(int hash, Object key, boolean remove) {
      int b = bucket(hash);
      PendingRequest<?, ?> before = null;
      for (PendingRequest<?, ?> at = buckets[b]; at != null; before = at, at = at.next) {
        if (at.intKey == hash && (key == null || key.equals(at.key))) {
          if (remove) {
            unlink(b, before, at);
          }
          return cast(at);
        }
      }
      return null;
    }

    private void unlink(int bucket, PendingRequest<?, ?> before, PendingRequest<?, ?> at) {
      if (before == null) {
        buckets[bucket] = at.next;
      } else {
        before.next = at.next;
      }
      at.next = null;
      size--;
    }

    /** Removes and returns the request {@code reply} answers, or null. */
    abstract PendingRequest<R, ?> removeFor(R reply);

    abstract String keyText(PendingRequest<R, ?> request);

    abstract String keyText(R reply);

    @Override
    final String register(PendingRequest<R, ?> request) {
      if (lookUp(request.intKey, request.key, false) != null) {
        return "a request with key " + keyText(request) + " is already in flight (one that timed out waits for"
            + " its reply, or for the connection's end)";
      }
      chain(request);
      if (request.isQuiet()) {
        quiet.addLast(request);
      }
      return null;
    }

    private void chain(PendingRequest<R, ?> request) {
      int b = bucket(request.intKey);
      request.next = buckets[b];
      buckets[b] = request;
      size++;
    }

    @Override
    final PendingRequest<R, ?> find(R reply, List<PendingRequest<R, ?>> unanswered) {
      // Removed first, and chained again when more frames are to come: most replies are one frame.
      PendingRequest<R, ?> request = removeFor(reply);
      if (request == null) {
        return null;
      }
      if (!request.takesOneFrame()) {
        chain(request);
      }
      for (PendingRequest<R, ?> first = quiet.peekFirst(); first != null && first.sequence <= request.sequence;
          first = quiet.peekFirst()) {
        quiet.pollFirst();
        if (first != request) {
          unchain(first);
          unanswered.add(first);
        }
      }
      return request;
    }

    @Override
    final String unmatched(R reply) {
      return "a reply with key " + keyText(reply) + " matches no request in flight";
    }

    /** Removes {@code request} itself from its chain, if it is there. */
    private boolean unchain(PendingRequest<R, ?> request) {
      int b = bucket(request.intKey);
      PendingRequest<?, ?> before = null;
      for (PendingRequest<?, ?> at = buckets[b]; at != null; before = at, at = at.next) {
        if (at == request) {
          unlink(b, before, at);
          return true;
        }
      }
      return false;
    }

    @Override
    final boolean removeRequest(PendingRequest<R, ?> request) {
      if (!unchain(request)) {
        return false;
      }
      if (request.isQuiet()) {
        if (quiet.peekFirst() == request) {
          quiet.pollFirst();
        } else if (quiet.peekLast() == request) {
          quiet.pollLast();
        } else {
          quiet.removeFirstOccurrence(request);
        }
      }
      return true;
    }

    @Override
    final void drainRequests(List<PendingRequest<R, ?>> out) {
      for (int b = 0; b < buckets.length; b++) {
        for (PendingRequest<?, ?> at = buckets[b]; at != null; ) {
          PendingRequest<?, ?> next = at.next;
          at.next = null;
          out.add(cast(at));
          at = next;
        }
        buckets[b] = null;
      }
      size = 0;
      quiet.clear();
    }

    @Override
    final int size() {
      return size;
    }
  }

  /** Keys of any type, compared with {@code equals}; their hash is kept as the request's int key. */
  static final class ByKey<Q, R> extends Keyed<Q, R> {
    private final Function<? super Q, ?> requestKey;
    private final Function<? super R, ?> replyKey;

    ByKey(Function<? super Q, ?> requestKey, Function<? super R, ?> replyKey, int maxInFlight) {
      super(maxInFlight);
      this.requestKey = requestKey;
      this.replyKey = replyKey;
    }

    @Override
    void keyOf(PendingRequest<R, ?> request, Q message) {
      Object key = requestKey.apply(message);
      if (key == null) {
        throw new NullPointerException("the request key of " + message + " is null");
      }
      request.key = key;
      request.intKey = key.hashCode();
    }

    @Override
    PendingRequest<R, ?> removeFor(R reply) {
      Object key = replyKey.apply(reply);
      return key == null ? null : lookUp(key.hashCode(), key, true);
    }

    @Override
    String keyText(PendingRequest<R, ?> request) {
      return String.valueOf(request.key);
    }

    @Override
    String keyText(R reply) {
      return String.valueOf(replyKey.apply(reply));
    }
  }

  /** Keys that are ints: no boxing. */
  static final class ByIntKey<Q, R> extends Keyed<Q, R> {
    private final ToIntFunction<? super Q> requestKey;
    private final ToIntFunction<? super R> replyKey;

    ByIntKey(ToIntFunction<? super Q> requestKey, ToIntFunction<? super R> replyKey, int maxInFlight) {
      super(maxInFlight);
      this.requestKey = requestKey;
      this.replyKey = replyKey;
    }

    @Override
    void keyOf(PendingRequest<R, ?> request, Q message) {
      request.intKey = requestKey.applyAsInt(message);
    }

    @Override
    PendingRequest<R, ?> removeFor(R reply) {
      return lookUp(replyKey.applyAsInt(reply), null, true);
    }

    @Override
    String keyText(PendingRequest<R, ?> request) {
      return Integer.toString(request.intKey);
    }

    @Override
    String keyText(R reply) {
      return Integer.toString(replyKey.applyAsInt(reply));
    }
  }
}

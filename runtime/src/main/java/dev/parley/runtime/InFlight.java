package dev.parley.runtime;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The requests of a {@link RequestClient} waiting for their replies, and how a reply finds its
 * own: the oldest first ({@link InOrder}), or by key ({@link ByKey}, {@link ByIntKey}). Not
 * thread-safe: the client guards it with its lock, if it needs one, and completes no future while
 * holding it.
 *
 * @param <Q> the requests
 * @param <R> the replies
 */
abstract class InFlight<Q, R> {

  /** Numbers the requests in the order they were registered, which is the order they were written. */
  private long nextSequence;

  /** Gives {@code request} the key of {@code message}, before it is registered; no lock is needed. */
  void keyOf(PendingRequest<R, ?> request, Q message) {}

  /**
   * Registers {@code request}, just before it is written.
   *
   * @return null, or why it cannot wait here (its key is already in flight); then it is not registered
   */
  final String add(PendingRequest<R, ?> request) {
    request.sequence = nextSequence++;
    return register(request);
  }

  abstract String register(PendingRequest<R, ?> request);

  /**
   * The request a reply frame answers, or null if none does. One that {@linkplain
   * PendingRequest#takesOneFrame() takes one frame} is removed with it; one of several frames stays
   * until {@link #remove}. Quiet requests registered before it and still waiting are proved
   * unanswered: they are removed and added to {@code unanswered}.
   */
  abstract PendingRequest<R, ?> match(R reply, List<PendingRequest<R, ?>> unanswered);

  /** What a reply that matched nothing was, for the protocol error. */
  abstract String unmatched(R reply);

  /** Removes {@code request} if it is here: its last frame came, or it was never written. */
  abstract boolean remove(PendingRequest<R, ?> request);

  /** Removes every request, adding each to {@code out}. */
  abstract void drainTo(List<PendingRequest<R, ?>> out);

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
    PendingRequest<R, ?> match(R reply, List<PendingRequest<R, ?>> unanswered) {
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
    boolean remove(PendingRequest<R, ?> request) {
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
    void drainTo(List<PendingRequest<R, ?>> out) {
      out.addAll(waiting);
      waiting.clear();
    }

    @Override
    int size() {
      return waiting.size();
    }
  }

  /**
   * Replies carry their request's key. Quiet requests are also kept in the order they went out:
   * a frame for a later request proves that the server, answering in order, had nothing for them.
   */
  abstract static class Keyed<Q, R> extends InFlight<Q, R> {
    private final ArrayDeque<PendingRequest<R, ?>> quiet = new ArrayDeque<>();

    /** Adds {@code request} under its key unless one is there already, which is returned. */
    abstract PendingRequest<R, ?> putIfAbsent(PendingRequest<R, ?> request);

    /** Removes and returns the request under {@code reply}'s key, or null. */
    abstract PendingRequest<R, ?> removeFor(R reply);

    /** Removes {@code request} if it is the one under its key. */
    abstract boolean removeKey(PendingRequest<R, ?> request);

    abstract String keyText(PendingRequest<R, ?> request);

    abstract String keyText(R reply);

    @Override
    final String unmatched(R reply) {
      return "a reply with key " + keyText(reply) + " matches no request in flight";
    }

    @Override
    final String register(PendingRequest<R, ?> request) {
      if (putIfAbsent(request) != null) {
        return "a request with key " + keyText(request) + " is already in flight (one that timed out waits for"
            + " its reply, or for the connection's end)";
      }
      if (request.isQuiet()) {
        quiet.addLast(request);
      }
      return null;
    }

    @Override
    final PendingRequest<R, ?> match(R reply, List<PendingRequest<R, ?>> unanswered) {
      // Removed first, and put back when more frames are to come: most replies are one frame.
      PendingRequest<R, ?> request = removeFor(reply);
      if (request == null) {
        return null;
      }
      if (!request.takesOneFrame()) {
        putIfAbsent(request);
      }
      for (PendingRequest<R, ?> first = quiet.peekFirst(); first != null && first.sequence <= request.sequence;
          first = quiet.peekFirst()) {
        quiet.pollFirst();
        if (first != request) {
          removeKey(first);
          unanswered.add(first);
        }
      }
      return request;
    }

    @Override
    final boolean remove(PendingRequest<R, ?> request) {
      if (!removeKey(request)) {
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
    void drainTo(List<PendingRequest<R, ?>> out) {
      quiet.clear();
    }
  }

  /** Keys of any type, compared with {@code equals}. */
  static final class ByKey<Q, R> extends Keyed<Q, R> {
    private final Function<? super Q, ?> requestKey;
    private final Function<? super R, ?> replyKey;
    private final HashMap<Object, PendingRequest<R, ?>> byKey = new HashMap<>();

    ByKey(Function<? super Q, ?> requestKey, Function<? super R, ?> replyKey) {
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
    }

    @Override
    PendingRequest<R, ?> putIfAbsent(PendingRequest<R, ?> request) {
      return byKey.putIfAbsent(request.key, request);
    }

    @Override
    PendingRequest<R, ?> removeFor(R reply) {
      Object key = replyKey.apply(reply);
      return key == null ? null : byKey.remove(key);
    }

    @Override
    boolean removeKey(PendingRequest<R, ?> request) {
      return byKey.remove(request.key, request);
    }

    @Override
    String keyText(PendingRequest<R, ?> request) {
      return String.valueOf(request.key);
    }

    @Override
    String keyText(R reply) {
      return String.valueOf(replyKey.apply(reply));
    }

    @Override
    void drainTo(List<PendingRequest<R, ?>> out) {
      super.drainTo(out);
      out.addAll(byKey.values());
      byKey.clear();
    }

    @Override
    int size() {
      return byKey.size();
    }
  }

  /**
   * Keys that are ints, in an open-addressed table with room for twice the requests that may be in
   * flight: no boxing and no node per request.
   */
  static final class ByIntKey<Q, R> extends Keyed<Q, R> {
    private final ToIntFunction<? super Q> requestKey;
    private final ToIntFunction<? super R> replyKey;
    private final int[] keys;
    private final PendingRequest<?, ?>[] requests;
    private final int mask;
    private int size;

    ByIntKey(ToIntFunction<? super Q> requestKey, ToIntFunction<? super R> replyKey, int maxInFlight) {
      this.requestKey = requestKey;
      this.replyKey = replyKey;
      int capacity = Integer.highestOneBit(Math.max(2, maxInFlight) * 2 - 1) << 1; // a power of two >= 2 * max
      this.keys = new int[capacity];
      this.requests = new PendingRequest<?, ?>[capacity];
      this.mask = capacity - 1;
    }

    private int home(int key) {
      int h = key * 0x9E3779B9;
      return (h ^ (h >>> 16)) & mask;
    }

    /** The slot of {@code key}, or of the empty slot where it would go. */
    private int slot(int key) {
      int i = home(key);
      while (requests[i] != null && keys[i] != key) {
        i = (i + 1) & mask;
      }
      return i;
    }

    @SuppressWarnings("unchecked") // only PendingRequest<R, ?> are stored
    private PendingRequest<R, ?> at(int slot) {
      return (PendingRequest<R, ?>) requests[slot];
    }

    @Override
    void keyOf(PendingRequest<R, ?> request, Q message) {
      request.intKey = requestKey.applyAsInt(message);
    }

    @Override
    PendingRequest<R, ?> putIfAbsent(PendingRequest<R, ?> request) {
      int i = slot(request.intKey);
      if (requests[i] != null) {
        return at(i);
      }
      keys[i] = request.intKey;
      requests[i] = request;
      size++;
      return null;
    }

    @Override
    PendingRequest<R, ?> removeFor(R reply) {
      int i = slot(replyKey.applyAsInt(reply));
      PendingRequest<R, ?> request = at(i);
      if (request != null) {
        removeAt(i);
      }
      return request;
    }

    @Override
    boolean removeKey(PendingRequest<R, ?> request) {
      int i = slot(request.intKey);
      if (requests[i] != request) {
        return false;
      }
      removeAt(i);
      return true;
    }

    /** Empties slot {@code i}, moving back the entries after it that would no longer be found. */
    private void removeAt(int i) {
      requests[i] = null;
      size--;
      for (int j = (i + 1) & mask; requests[j] != null; j = (j + 1) & mask) {
        int home = home(keys[j]);
        // The entry at j stays if its home lies cyclically in (i, j]; else it moves into the hole.
        boolean stays = i <= j ? i < home && home <= j : i < home || home <= j;
        if (!stays) {
          keys[i] = keys[j];
          requests[i] = requests[j];
          requests[j] = null;
          i = j;
        }
      }
    }

    @Override
    String keyText(PendingRequest<R, ?> request) {
      return Integer.toString(request.intKey);
    }

    @Override
    String keyText(R reply) {
      return Integer.toString(replyKey.applyAsInt(reply));
    }

    @Override
    void drainTo(List<PendingRequest<R, ?>> out) {
      super.drainTo(out);
      for (int i = 0; i < requests.length; i++) {
        if (requests[i] != null) {
          out.add(at(i));
        }
      }
      Arrays.fill(requests, null);
      size = 0;
    }

    @Override
    int size() {
      return size;
    }
  }
}

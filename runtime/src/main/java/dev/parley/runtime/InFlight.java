package dev.parley.runtime;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;

/**
 * The requests of a {@link RequestClient} waiting for their replies, and how a reply finds its
 * own: the oldest first ({@link InOrder}), or by key ({@link ByKey}). Not thread-safe: the client
 * guards it with its lock, and calls no code of the caller's while holding it.
 *
 * @param <R> the replies
 */
abstract class InFlight<R> {

  /** Numbers the requests in the order they were registered, which is the order they were written. */
  private long nextSequence;

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
   * The request a reply frame answers, or null if none does. Quiet requests registered before it
   * and still waiting are proved unanswered: they are removed and added to {@code unanswered}.
   */
  abstract PendingRequest<R, ?> match(Object key, List<PendingRequest<R, ?>> unanswered);

  /** Removes {@code request} if it is here: its last frame came, or it was never written. */
  abstract boolean remove(PendingRequest<R, ?> request);

  /** Removes every request, adding each to {@code out}. */
  abstract void drainTo(List<PendingRequest<R, ?>> out);

  abstract int size();

  /** Replies in the order the requests went out: the oldest request takes every frame until its last. */
  static final class InOrder<R> extends InFlight<R> {
    private final ArrayDeque<PendingRequest<R, ?>> waiting = new ArrayDeque<>();

    @Override
    String register(PendingRequest<R, ?> request) {
      waiting.addLast(request);
      return null;
    }

    @Override
    PendingRequest<R, ?> match(Object key, List<PendingRequest<R, ?>> unanswered) {
      return waiting.peekFirst();
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
  static final class ByKey<R> extends InFlight<R> {
    private final HashMap<Object, PendingRequest<R, ?>> byKey = new HashMap<>();
    private final ArrayDeque<PendingRequest<R, ?>> quiet = new ArrayDeque<>();

    @Override
    String register(PendingRequest<R, ?> request) {
      PendingRequest<R, ?> earlier = byKey.putIfAbsent(request.key, request);
      if (earlier != null) {
        return "a request with key " + request.key + " is already in flight (one that timed out waits for its"
            + " reply, or for the connection's end)";
      }
      if (request.isQuiet()) {
        quiet.addLast(request);
      }
      return null;
    }

    @Override
    PendingRequest<R, ?> match(Object key, List<PendingRequest<R, ?>> unanswered) {
      PendingRequest<R, ?> request = key == null ? null : byKey.get(key);
      if (request == null) {
        return null;
      }
      for (PendingRequest<R, ?> first = quiet.peekFirst(); first != null && first.sequence < request.sequence;
          first = quiet.peekFirst()) {
        quiet.pollFirst();
        byKey.remove(first.key);
        unanswered.add(first);
      }
      return request;
    }

    @Override
    boolean remove(PendingRequest<R, ?> request) {
      if (!byKey.remove(request.key, request)) {
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
      out.addAll(byKey.values());
      byKey.clear();
      quiet.clear();
    }

    @Override
    int size() {
      return byKey.size();
    }
  }
}

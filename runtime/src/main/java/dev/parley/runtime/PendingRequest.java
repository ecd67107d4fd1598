package dev.parley.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * One request of a {@link RequestClient} and the future its caller holds: the same object, so
 * that a request costs one allocation. What it expects decides how it takes the frames of its
 * reply: one, several until the last, none, or at most one. The client takes frames on the one
 * thread that receives, and completes the future with no lock held.
 *
 * @param <R> the replies received
 * @param <T> what the future completes with
 */
abstract class PendingRequest<R, T> extends CompletableFuture<T> {

  /** The request's key when replies are matched by key; null otherwise. */
  Object key;
  /** The request's key when replies are matched by an int key; its key's hash when by another key. */
  int intKey;
  /** The next request in its bucket of a keyed table. */
  PendingRequest<?, ?> next;
  /** Where the request stands in the order of those registered, for quiet requests. */
  long sequence;
  /** How long the request may wait for its reply, or 0 for ever. */
  long timeoutNanos;
  /** When it times out ({@link System#nanoTime()}), if {@link #timeoutNanos} is not 0. */
  long deadline;
  /** Its neighbours on its table's list of timed requests, while it is there. */
  PendingRequest<?, ?> timedBefore;
  PendingRequest<?, ?> timedAfter;

  /** Whether a reply is expected at all: only those that expect one take a slot. */
  boolean expectsReply() {
    return true;
  }

  /** Whether the request is quiet: a reply to a later request proves it got none. */
  boolean isQuiet() {
    return false;
  }

  /** Whether the first frame of the reply is its last, whatever it says: no predicate to run. */
  boolean takesOneFrame() {
    return true;
  }

  /**
   * Takes one frame of the reply; true if it was the last. May run the caller's predicate: call
   * it with no lock held.
   */
  abstract boolean take(R frame);

  /** Completes the future with what {@link #take} took, once it has the last frame. */
  abstract void finish();

  /** The request went out (for one that expects no reply, that is its completion). */
  void written() {}

  /** A quiet request whose reply never came, as a later request's reply proves. */
  void unanswered() {
    throw new IllegalStateException("only a quiet request can go unanswered");
  }

  /** A reply of one frame, whatever it says. */
  abstract static class OneFrame<R, T> extends PendingRequest<R, T> {
    R reply;

    @Override
    final boolean take(R frame) {
      reply = frame;
      return true;
    }
  }

  /** One reply frame. */
  static final class One<R> extends OneFrame<R, R> {
    @Override
    void finish() {
      complete(reply);
    }
  }

  /** Frames until one the caller's predicate says is the last, that one included. */
  static final class Many<R> extends PendingRequest<R, List<R>> {
    private final Predicate<? super R> last;
    private final ArrayList<R> frames = new ArrayList<>();

    Many(Predicate<? super R> last) {
      this.last = last;
    }

    @Override
    boolean takesOneFrame() {
      return false;
    }

    @Override
    boolean take(R frame) {
      frames.add(frame);
      return last.test(frame);
    }

    @Override
    void finish() {
      complete(frames);
    }
  }

  /** At most one frame: memcached's GetQ, answered only on a hit. */
  static final class Quiet<R> extends OneFrame<R, Optional<R>> {
    @Override
    boolean isQuiet() {
      return true;
    }

    @Override
    void finish() {
      complete(Optional.of(reply));
    }

    @Override
    void unanswered() {
      complete(Optional.empty());
    }
  }

  /** No reply: done once written. */
  static final class None<R> extends PendingRequest<R, Void> {
    @Override
    boolean expectsReply() {
      return false;
    }

    @Override
    boolean take(R frame) {
      throw new IllegalStateException("a request that expects no reply took one");
    }

    @Override
    void finish() {}

    @Override
    void written() {
      complete(null);
    }
  }
}

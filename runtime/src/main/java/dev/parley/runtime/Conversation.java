package dev.parley.runtime;

import java.util.Objects;

/**
 * What one side of a connection receives and what it sends, as two protocols, each with its own
 * frame layout: a PostgreSQL client receives backend messages and sends frontend ones, in which
 * the same tag means different things; memcached's requests and responses differ in their magic.
 * A protocol that is the same both ways is {@link #of(Protocol)}. A conversation can change
 * between two frames (a phase: PostgreSQL's untagged startup message, then tagged ones); each
 * transport's {@code switchTo} takes the next one.
 *
 * @param receives the protocol of the frames this side reads
 * @param sends the protocol of the frames this side writes
 * @param <I> the messages received
 * @param <O> the messages sent
 */
public record Conversation<I, O>(Protocol<I> receives, Protocol<O> sends) {

  public Conversation {
    Objects.requireNonNull(receives, "receives");
    Objects.requireNonNull(sends, "sends");
  }

  /** One protocol both ways. */
  public static <M> Conversation<M, M> of(Protocol<M> protocol) {
    return new Conversation<>(protocol, protocol);
  }

  /** Receiving {@code receives}, sending {@code sends}. */
  public static <I, O> Conversation<I, O> of(Protocol<I> receives, Protocol<O> sends) {
    return new Conversation<>(receives, sends);
  }

  /** The same conversation seen from the other end: what this side sends, the peer receives. */
  public Conversation<O, I> peer() {
    return new Conversation<>(sends, receives);
  }
}

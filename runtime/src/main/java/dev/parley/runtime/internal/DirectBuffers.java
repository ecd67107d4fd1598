package dev.parley.runtime.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct buffers for the send queues of one event loop's connections, kept for reuse once given
 * back. A socket channel writes a direct buffer as it is, and copies a heap buffer into a direct
 * one of its own first: a queue in direct memory saves that copy of every byte sent. Direct
 * memory comes back to the system only when a collection finds its buffer unreachable, so a
 * connection that goes quiet gives its buffer back here, where the next one to need a buffer of
 * that size takes it, instead of leaving it to the collector.
 *
 * <p>Buffers come in sizes of 4 KiB times a power of two; at most {@link #MAX_KEPT_BYTES} are kept,
 * and any buffer given back past that, or larger than the largest size, is left to the collector.
 * Only its owner's thread (the loop's) takes from and keeps in it; another thread gets a new buffer
 * and leaves what it gives back to the collector, so that a connection closed from elsewhere (as a
 * loop that has ended closes its connections) cannot corrupt it.
 */
public final class DirectBuffers {

  /** The smallest buffer. */
  static final int SMALLEST = 4 * 1024;
  /** The largest buffer kept for reuse: 4 MiB, the default bound on a connection's queue. */
  static final int LARGEST = 4 << 20;
  /** The most bytes kept for reuse at once, in all sizes. */
  public static final long MAX_KEPT_BYTES = 16L << 20;

  /** The kept buffers of each size, smallest first, the latest given back first. */
  private final List<ArrayDeque<ByteBuffer>> free = new ArrayList<>();
  private long keptBytes;
  private final Thread owner;

  /** Buffers that {@code owner} alone keeps. */
  public DirectBuffers(Thread owner) {
    this.owner = owner;
    for (int size = SMALLEST; size <= LARGEST; size <<= 1) {
      free.add(new ArrayDeque<>());
    }
  }

  /**
   * A cleared buffer of at least {@code capacity} bytes, in big-endian order: a kept one of its
   * size if there is one.
   */
  public ByteBuffer take(int capacity) {
    int size = sizeFor(capacity);
    if (size < 0 || Thread.currentThread() != owner) {
      return ByteBuffer.allocateDirect(size < 0 ? capacity : size);
    }
    ByteBuffer buffer = free.get(sizeClass(size)).pollFirst();
    if (buffer == null) {
      return ByteBuffer.allocateDirect(size);
    }
    keptBytes -= size;
    return buffer.clear().order(ByteOrder.BIG_ENDIAN);
  }

  /** Keeps {@code buffer} for the next {@link #take}, unless enough is kept already. It must not be used after. */
  public void give(ByteBuffer buffer) {
    int size = buffer.capacity();
    if (Thread.currentThread() != owner || !buffer.isDirect() || sizeFor(size) != size
        || keptBytes + size > MAX_KEPT_BYTES) {
      return;
    }
    free.get(sizeClass(size)).addFirst(buffer);
    keptBytes += size;
  }

  /** The bytes kept for reuse now. */
  public long keptBytes() {
    return keptBytes;
  }

  /** The size of the buffer that holds {@code capacity} bytes, or -1 above the largest. */
  private static int sizeFor(int capacity) {
    if (capacity > LARGEST) {
      return -1;
    }
    return capacity <= SMALLEST ? SMALLEST : Integer.highestOneBit(capacity - 1) << 1;
  }

  private static int sizeClass(int size) {
    return Integer.numberOfTrailingZeros(size / SMALLEST);
  }
}

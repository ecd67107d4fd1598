package dev.parley.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Turns messages into frames and writes them out, coping with channels that take fewer bytes than
 * offered. Each message is encoded straight into the writer's buffer, length prefix first, with
 * no intermediate copy; frames queued together leave in one write.
 *
 * <p>The queue is bounded: {@link #maxPending()} bytes may wait for the channel. A frame that would
 * go past the bound is refused ({@link #enqueue} returns false) and not queued, so a peer that
 * does not read cannot make this side buffer without limit; what to do then is the caller's policy
 * (the event loop closes such a connection). Not thread-safe.
 *
 * @param <M> the protocol's messages
 */
public final class FrameWriter<M> {

  /** The default bound on queued bytes: 4 MiB. */
  public static final int DEFAULT_MAX_PENDING = 4 << 20;

  /**
   * A queue grown by a burst keeps its buffer up to this many times the initial size, so that a
   * sender that keeps a steady amount queued does not reallocate on every refill; a larger buffer
   * is given back once everything in it has been sent.
   */
  private static final int KEPT_GROWTH = 4;

  private final Protocol<M> protocol;
  private final FrameFormat format;
  private final int initialCapacity;
  private final int maxPending;
  /** Queued bytes are {@code [sent, position)} of {@code buffer}. */
  private ByteBuffer buffer;
  private int sent;

  public FrameWriter(Protocol<M> protocol) {
    this(protocol, DEFAULT_MAX_PENDING);
  }

  /**
   * @param maxPending the most bytes that may wait for the channel; at least one largest frame
   */
  public FrameWriter(Protocol<M> protocol, int maxPending) {
    this.protocol = protocol;
    this.format = protocol.frameFormat();
    long largestFrame = (long) format.lengthSize() + format.maxFrameLength();
    if (maxPending < Math.min(largestFrame, Integer.MAX_VALUE)) {
      throw new IllegalArgumentException("maxPending " + maxPending + " cannot hold one frame of "
          + largestFrame + " bytes");
    }
    this.maxPending = maxPending;
    this.initialCapacity = Math.min(FrameReader.DEFAULT_BUFFER_SIZE, maxPending);
    this.buffer = ByteBuffer.allocate(initialCapacity);
  }

  /** The most bytes that may be queued. */
  public int maxPending() {
    return maxPending;
  }

  /** The size of the queue's buffer now. */
  public int capacity() {
    return buffer.capacity();
  }

  /** Bytes queued and not yet taken by the channel. */
  public int pending() {
    return buffer.position() - sent;
  }

  public boolean hasPending() {
    return pending() > 0;
  }

  /**
   * Encodes {@code message} as a frame at the end of the queue.
   *
   * @return false, queueing nothing, if the frame would take the queue past {@link #maxPending()}
   * @throws IllegalArgumentException if the message is longer than the protocol's maximum frame
   */
  public boolean enqueue(M message) {
    int size = protocol.encodedSize(message);
    if (size > format.maxFrameLength()) {
      throw new IllegalArgumentException("message of " + size + " bytes exceeds the maximum frame length "
          + format.maxFrameLength() + ": " + message.getClass().getSimpleName());
    }
    int frame = format.lengthSize() + size;
    if ((long) pending() + frame > maxPending) {
      return false;
    }
    ensureRoom(frame);
    ByteBuffer out = buffer.order(format.byteOrder());
    if (format.lengthSize() == 2) {
      out.putShort((short) size);
    } else {
      out.putInt(size);
    }
    int bodyStart = out.position();
    protocol.encode(message, out);
    if (out.position() - bodyStart != size) {
      throw new IllegalStateException("protocol wrote " + (out.position() - bodyStart)
          + " bytes after promising " + size);
    }
    return true;
  }

  /**
   * Writes queued bytes to {@code channel} until it takes no more or the queue is empty.
   *
   * @return true when the queue is empty
   */
  public boolean flushTo(WritableByteChannel channel) throws IOException {
    ByteBuffer out = buffer.duplicate();
    out.limit(buffer.position()).position(sent);
    // A channel may take fewer bytes than offered; a non-blocking one may take none at all,
    // and the rest waits (for OP_WRITE) where it is, without being moved.
    while (out.hasRemaining() && channel.write(out) > 0) {
      // keep writing while the channel takes bytes
    }
    sent = out.position();
    return emptied();
  }

  /** Writes every queued byte to {@code out} (which blocks until it has taken them). */
  public void flushTo(OutputStream out) throws IOException {
    out.write(buffer.array(), buffer.arrayOffset() + sent, pending());
    out.flush();
    sent = buffer.position();
    emptied();
  }

  /** Resets the buffer once everything is sent, giving back memory a large burst of frames took. */
  private boolean emptied() {
    if (sent < buffer.position()) {
      return false;
    }
    sent = 0;
    if (buffer.capacity() > KEPT_GROWTH * initialCapacity) {
      buffer = ByteBuffer.allocate(initialCapacity);
    } else {
      buffer.clear();
    }
    return true;
  }

  private void ensureRoom(int bytes) {
    if (buffer.remaining() >= bytes) {
      return;
    }
    if (sent > 0) {
      // Move the unsent bytes to the front: at most maxPending, once per refill.
      buffer.limit(buffer.position()).position(sent);
      buffer.compact();
      sent = 0;
      if (buffer.remaining() >= bytes) {
        return;
      }
    }
    long wanted = Math.max((long) buffer.capacity() * 2, (long) buffer.position() + bytes);
    ByteBuffer larger = ByteBuffer.allocate((int) Math.min(wanted, maxPending));
    buffer.flip();
    larger.put(buffer);
    buffer = larger;
  }
}

package dev.parley.runtime;

import dev.parley.runtime.internal.DirectBuffers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * Turns messages into frames and writes them out, coping with channels that take fewer bytes than
 * offered. Each message is encoded straight into the writer's buffer with no intermediate copy:
 * for the prefix format the writer writes the length prefix and the protocol the body after it;
 * for a header format the protocol writes the whole frame, header included, and the writer checks
 * that its length field (or, without one, the fixed size of its type id) agrees with the size. A
 * varint length is checked as the reader reads it: the frame size it gives, with the bytes it
 * takes, must be the size written, and an encoding the reader refuses is refused here.
 * Frames queued together leave in one write.
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

  /** The queue's buffer when it is first needed, unless a frame needs more. */
  static final int INITIAL_CAPACITY = 4 * 1024;

  /**
   * A queue grown by a burst keeps its buffer up to this size, so that a sender that keeps a
   * steady amount queued does not reallocate on every refill; a larger buffer is given back once
   * everything in it has been sent. Twice the 256 KiB a sender typically keeps queued: one that
   * sends while less than that is queued passes it by a frame, which doubling makes 512 KiB, and
   * a buffer given back there was allocated again, from 4 KiB up, on every refill.
   */
  static final int KEPT_CAPACITY = 512 * 1024;

  /**
   * The most bytes {@link #flushTo(WritableByteChannel)} offers a channel in one write: 48 KiB.
   * Over TCP with Nagle's algorithm off (as both transports set it) every write ends a segment, so
   * a write that ends a few bytes past a full segment sends those bytes as a segment of their own.
   * Under BBR congestion control such short segments halved the event loop's throughput over
   * loopback (benchmarks/README.md, "Then writes of at most 48 KiB"); under CUBIC neither they nor
   * the bound cost anything measurable. Over loopback (65,483-byte segments) a write of up to
   * 48 KiB is one segment, and 48 KiB is three whole segments of the 16,436-byte loopback MTU of
   * older kernels; over Ethernet (1,448-byte segments) it leaves at most one short segment in 34.
   */
  public static final int MAX_BYTES_PER_WRITE = 48 * 1024;

  private static final ByteBuffer NONE = ByteBuffer.allocate(0);

  // Not final: a conversation's phase can change the protocol between two frames (reframe).
  private Protocol<M> protocol;
  private FrameFormat format;
  private boolean hasHeader;
  /** A two-byte length prefix rather than four (prefix formats only). */
  private boolean shortPrefix;
  /** Bytes of a frame before what the protocol writes: the prefix's, or none. */
  private int bodyOffset;
  /** The smallest frame the protocol may promise: an empty body, or the header (a varint's shortest). */
  private int minSize;
  /** The largest frame the protocol may promise: the largest body, or the largest frame. */
  private int maxSize;
  private int maxPending;
  /** Queued bytes are {@code [sent, position)} of {@code buffer}; no array until a frame is queued. */
  private ByteBuffer buffer = NONE;
  private int sent;
  /** The largest buffer kept once everything in it was sent; see {@link #KEPT_CAPACITY}. */
  private int keptCapacity = KEPT_CAPACITY;
  /** Where the queue's buffers come from and go back to when they are direct; null for heap buffers. */
  private DirectBuffers direct;

  public FrameWriter(Protocol<M> protocol) {
    this(protocol, DEFAULT_MAX_PENDING);
  }

  /**
   * @param maxPending the most bytes that may wait for the channel; at least one largest frame
   */
  public FrameWriter(Protocol<M> protocol, int maxPending) {
    long largestFrame = protocol.frameFormat().largestFrameSize();
    if (maxPending < Math.min(largestFrame, Integer.MAX_VALUE)) {
      throw new IllegalArgumentException("maxPending " + maxPending + " cannot hold one frame of "
          + largestFrame + " bytes");
    }
    adopt(protocol);
    this.maxPending = maxPending;
  }

  /**
   * Like {@link #FrameWriter(Protocol, int)}, keeping a buffer of up to {@code keptCapacity} bytes
   * once it is sent: a connection whose sender keeps up to its high-water mark queued keeps twice
   * that (the mark passed by a frame, and doubled), so that it does not allocate and zero its
   * queue again at every refill.
   */
  public FrameWriter(Protocol<M> protocol, int maxPending, int keptCapacity) {
    this(protocol, maxPending);
    this.keptCapacity = Math.max(KEPT_CAPACITY, keptCapacity);
  }

  /**
   * Like {@link #FrameWriter(Protocol, int, int)}, with the queue in direct memory taken from and
   * given back to {@code direct}, which a socket channel writes without first copying it into a
   * direct buffer of its own: the event loop's connections, whose loop owns {@code direct}. Every
   * use of this writer must then be on that loop's thread.
   */
  public FrameWriter(Protocol<M> protocol, int maxPending, int keptCapacity, DirectBuffers direct) {
    this(protocol, maxPending, keptCapacity);
    this.direct = Objects.requireNonNull(direct, "direct");
  }

  /**
   * Writes every later frame with {@code next}, after those already queued, which leave as they
   * were encoded: a conversation's change of phase. The bound on queued bytes grows, if it must,
   * to hold one largest frame of {@code next}.
   *
   * @return this writer, typed for {@code next}'s messages; the old-typed reference must not be
   *     used to enqueue again
   */
  @SuppressWarnings("unchecked")
  public <N> FrameWriter<N> reframe(Protocol<N> next) {
    FrameWriter<N> writer = (FrameWriter<N>) this;
    writer.adopt(next);
    writer.maxPending = (int) Math.max(maxPending, Math.min(Integer.MAX_VALUE, format.largestFrameSize()));
    return writer;
  }

  private void adopt(Protocol<M> next) {
    this.protocol = next;
    this.format = next.frameFormat();
    this.hasHeader = format.hasHeader();
    this.shortPrefix = !hasHeader && format.lengthSize() == 2;
    this.bodyOffset = format.bodyOffset();
    if (buffer != NONE) {
      buffer.order(format.byteOrder()); // the queue's buffer is always in the format's byte order
    }
    this.minSize = hasHeader ? format.minHeaderSize() : 0;
    this.maxSize = format.maxFrameLength();
  }

  /** The most bytes that may be queued. */
  public int maxPending() {
    return maxPending;
  }

  /** The size of the queue's buffer now: 0 until a frame is queued and after {@link #release()}. */
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
   * Encodes {@code message} as a frame at the end of the queue. All or nothing: if the protocol's
   * {@code encode} throws, or writes another number of bytes than {@code encodedSize} promised, or
   * (in a header format) a length or type id that does not agree with that size, the queue is left
   * as it was and the exception names the message.
   *
   * @return false, queueing nothing, if the frame would take the queue past {@link #maxPending()}
   * @throws IllegalArgumentException if the message is longer than the protocol's maximum frame
   *     (or, in a header format, shorter than the header), or does not encode (the protocol's
   *     exception is the cause)
   * @throws IllegalStateException if the protocol wrote another size than it promised, more or
   *     fewer, or a header that gives the frame another size
   */
  public boolean enqueue(M message) {
    int frame = frameSize(message);
    if ((long) pending() + frame > maxPending) {
      return false;
    }
    ensureRoom(frame);
    // As writeFrame, with the encoder called from here and not one method down: the JIT inlines
    // to a fixed depth, and a direct buffer's bulk put is eight calls deep in the JDK.
    ByteBuffer out = buffer; // in the format's byte order already
    int size = frame - bodyOffset;
    int frameStart = startFrame(size, out);
    try {
      protocol.encode(message, out);
    } catch (RuntimeException e) {
      throw failed(message, size, out, frameStart, e);
    }
    finishFrame(message, size, out, frameStart);
    return true;
  }

  /**
   * The size on the wire of {@code message}'s frame, whole (the prefix and the body, or the header
   * and all), checked against the protocol's bounds as {@link #enqueue} checks it: what a
   * transport that owns its buffers (a Netty {@code ByteBuf}) allocates before
   * {@link #writeFrame}. Encodes nothing.
   *
   * @throws IllegalArgumentException as {@link #enqueue} does, for a message that cannot be sized
   *     or whose frame is longer than the maximum (or shorter than the header)
   */
  public int frameSize(M message) {
    int size;
    try {
      size = protocol.encodedSize(message);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot size " + name(message) + ": " + e.getMessage(), e);
    }
    if (size < minSize || size > maxSize) {
      throw outOfBounds(message, size);
    }
    return bodyOffset + size;
  }

  // Out of line, as the other failures below: a small frame's hot path stays small enough to inline.
  private IllegalArgumentException outOfBounds(M message, int size) {
    return new IllegalArgumentException(hasHeader && size < minSize
        ? "message of " + size + " bytes is smaller than the " + minSize + "-byte frame header: " + name(message)
        : "message of " + size + " bytes exceeds the maximum frame length " + maxSize + ": " + name(message));
  }

  /**
   * Writes {@code message}'s frame of {@code frameSize} bytes, as {@link #frameSize} gave it, at
   * {@code out.position()} of a buffer the caller owns, and advances the position past it: the
   * prefix and the body, or the protocol's whole frame, checked as {@link #enqueue} checks it. The
   * queue is not touched. All or nothing: on a failure the position is where it was (the bytes
   * after it are unspecified). {@code out}'s byte order is left as it was.
   *
   * @throws java.nio.BufferOverflowException if fewer than {@code frameSize} bytes remain in
   *     {@code out}; nothing was written
   * @throws IllegalArgumentException if the protocol's encoder throws (its exception is the cause)
   * @throws IllegalStateException if the protocol wrote another size than it promised, or a header
   *     that gives the frame another size
   */
  public void writeFrame(M message, int frameSize, ByteBuffer out) {
    if (out.remaining() < frameSize) {
      throw new java.nio.BufferOverflowException();
    }
    java.nio.ByteOrder order = out.order();
    out.order(format.byteOrder());
    try {
      int size = frameSize - bodyOffset;
      int frameStart = startFrame(size, out);
      try {
        protocol.encode(message, out);
      } catch (RuntimeException e) {
        throw failed(message, size, out, frameStart, e);
      }
      finishFrame(message, size, out, frameStart);
    } finally {
      out.order(order);
    }
  }

  /**
   * Starts a frame of a {@code size}-byte body (or, in a header format, {@code size} bytes in all)
   * at {@code out}'s position, in {@code out}'s byte order, which is the format's: writes the
   * prefix, if the format has one, and returns where the frame starts. The encoder is given no
   * tighter limit than the buffer's own: what it writes past its promise lands in room nobody
   * holds yet and is caught by {@link #finishFrame}. (Setting and restoring a limit around every
   * encode cost more than the rest of a small frame's queueing.)
   */
  private int startFrame(int size, ByteBuffer out) {
    int frameStart = out.position();
    if (!hasHeader) { // a header format's protocol writes its header, length included
      if (shortPrefix) {
        out.putShort((short) size);
      } else {
        out.putInt(size);
      }
    }
    return frameStart;
  }

  /** The encoder threw: the position goes back to the frame's start, and the exception names the message. */
  private RuntimeException failed(M message, int size, ByteBuffer out, int frameStart, RuntimeException e) {
    out.position(frameStart);
    return e instanceof java.nio.BufferOverflowException ? wroteMore(message, size, e) : cannotEncode(message, e);
  }

  /**
   * Checks the frame the encoder wrote after {@link #startFrame}: as many bytes as it promised
   * and, in a header format, a header that agrees; otherwise the position goes back to the frame's
   * start and the exception says what was wrong.
   */
  private void finishFrame(M message, int size, ByteBuffer out, int frameStart) {
    int written = out.position() - frameStart - bodyOffset;
    if (written != size) {
      out.position(frameStart);
      throw written > size ? wroteMore(message, size, null) : wroteLess(message, size, written);
    }
    if (hasHeader) {
      checkHeader(message, out, frameStart, size);
    }
  }

  /**
   * Checks that the header the protocol wrote gives the frame the size it has: its length field
   * the value for {@code size} bytes, or its type id the fixed size {@code size}. Unqueues the
   * frame and throws if not.
   */
  private void checkHeader(M message, ByteBuffer out, int frameStart, int size) {
    if (format.hasVarintLength()) {
      checkVarint(message, out, frameStart, size);
      return;
    }
    if (format.lengthField().isPresent()) {
      long wrote = format.readLength(out, frameStart);
      long expected = format.lengthValue(size);
      if (wrote != expected) {
        out.position(frameStart);
        throw new IllegalStateException("the protocol wrote " + wrote + " in the length field '"
            + format.lengthField().get().name() + "' of " + name(message) + ", a frame of " + size
            + " bytes, whose length is " + expected + "; nothing was queued");
      }
      return;
    }
    long typeId = format.typeIdField().isPresent() ? format.readTypeId(out, frameStart) : 0;
    int fixed = format.fixedSizeOf(typeId);
    if (fixed != size) {
      out.position(frameStart);
      String which = format.typeIdField().map(f -> " of type id " + f.format(typeId)).orElse("");
      throw new IllegalStateException("the protocol wrote a frame of " + size + " bytes of " + name(message)
          + which + (fixed < 0 ? ", which has no fixed size" : ", whose fixed size is " + fixed)
          + "; nothing was queued");
    }
  }

  /**
   * Checks a varint length by the reader's own rule: what it refuses (more bytes than it may have,
   * not the fewest, a frame above the maximum) or a size other than {@code size} unqueues the frame.
   */
  private void checkVarint(M message, ByteBuffer out, int frameStart, int size) {
    String name = format.lengthField().get().name();
    long given;
    try {
      given = format.frameSize(out, frameStart, frameStart + size, 0);
    } catch (ProtocolException e) {
      out.position(frameStart);
      throw new IllegalStateException("the protocol wrote " + size + " bytes of " + name(message) + " whose varint"
          + " length '" + name + "' a reader refuses (" + e.getMessage() + "); nothing was queued", e);
    }
    if (given != size) {
      out.position(frameStart);
      throw new IllegalStateException("the protocol wrote " + size + " bytes of " + name(message) + ", but its varint"
          + " length '" + name + "' " + (given < 0 ? "runs past their end" : "makes a frame of " + given + " bytes")
          + "; nothing was queued");
    }
  }

  /** Drops every queued byte: after a failed write, when what is left of a frame must not be sent. */
  public void discard() {
    sent = 0;
    giveBack();
  }

  /** Gives the queue's buffer back to the direct buffers it came from, if it did, and leaves none. */
  private void giveBack() {
    if (direct != null && buffer != NONE) {
      direct.give(buffer);
    }
    buffer = NONE;
  }

  /**
   * Gives back the queue's buffer if nothing is queued, so that a quiet connection holds no memory
   * for writing.
   *
   * @return whether a buffer was given back
   */
  public boolean release() {
    if (hasPending() || buffer == NONE) {
      return false;
    }
    discard();
    return true;
  }

  private IllegalArgumentException cannotEncode(M message, RuntimeException cause) {
    return new IllegalArgumentException("cannot encode " + name(message) + ", nothing was queued: " + cause, cause);
  }

  private IllegalStateException wroteLess(M message, int size, int written) {
    return new IllegalStateException("the protocol wrote " + written + " bytes of " + name(message)
        + " after promising " + size + "; nothing was queued");
  }

  private IllegalStateException wroteMore(M message, int size, RuntimeException cause) {
    return new IllegalStateException("the protocol wrote more than the " + size + " bytes it promised for "
        + name(message) + "; nothing was queued", cause);
  }

  private static String name(Object message) {
    return message == null ? "null" : message.getClass().getSimpleName();
  }

  /**
   * Writes queued bytes to {@code channel} until it takes no more or the queue is empty, offering
   * at most {@link #MAX_BYTES_PER_WRITE} in one write.
   *
   * @return true when the queue is empty
   */
  public boolean flushTo(WritableByteChannel channel) throws IOException {
    ByteBuffer out = buffer.duplicate();
    int end = buffer.position();
    out.position(sent);
    // A channel may take fewer bytes than offered; a non-blocking one may take none at all,
    // and the rest waits (for OP_WRITE) where it is, without being moved.
    while (out.position() < end) {
      out.limit(out.position() + Math.min(end - out.position(), MAX_BYTES_PER_WRITE));
      if (channel.write(out) <= 0) {
        break;
      }
    }
    sent = out.position();
    return emptied();
  }

  /** Writes every queued byte to {@code out} (which blocks until it has taken them). */
  public void flushTo(OutputStream out) throws IOException {
    if (buffer.hasArray()) {
      out.write(buffer.array(), buffer.arrayOffset() + sent, pending());
    } else {
      ByteBuffer queued = buffer.duplicate().limit(buffer.position()).position(sent);
      byte[] chunk = new byte[Math.min(queued.remaining(), 64 * 1024)];
      while (queued.hasRemaining()) {
        int n = Math.min(chunk.length, queued.remaining());
        queued.get(chunk, 0, n);
        out.write(chunk, 0, n);
      }
    }
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
    if (buffer.capacity() > keptCapacity) {
      giveBack();
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
    long wanted = Math.max(Math.max(INITIAL_CAPACITY, (long) buffer.capacity() * 2), (long) buffer.position() + bytes);
    int capacity = (int) Math.min(wanted, maxPending);
    ByteBuffer larger = (direct == null ? ByteBuffer.allocate(capacity) : direct.take(capacity)).order(format.byteOrder());
    buffer.flip();
    larger.put(buffer);
    giveBack();
    buffer = larger;
  }
}

package dev.parley.spec.decode;

import static java.util.Objects.requireNonNull;

import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.FrameTooLongException;
import dev.parley.runtime.TruncatedFrameException;
import dev.parley.runtime.internal.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Cuts a byte stream (a capture) into frames of a {@link SchemaDecoder}'s frame format with the
 * runtime's {@link FrameReader}, the one that cuts the frames of every connection, and decodes them
 * one at a time, keeping at most one frame in memory. A length prefix above
 * {@code max_frame_length} is refused as soon as it is read, before anything is allocated for the
 * body; a length within the maximum is not trusted either: memory grows as bytes arrive, so a
 * prefix that claims a megabyte costs nothing until the megabyte comes.
 *
 * <p>After a {@link DecodeException} of kind {@link DecodeException.Kind#MALFORMED} the reader
 * stands after that frame, and {@link #next()} goes on with the next one. After
 * {@link DecodeException.Kind#TOO_LONG} it stays before the bad prefix (every {@code next()}
 * refuses it again) until {@link #resynchronize()} looks for a plausible frame further on. After
 * {@link DecodeException.Kind#TRUNCATED} the stream is over. The reader does not close the stream.
 * Not thread-safe.
 */
public final class CaptureReader {

  /** The size of a read from the stream, and the resynchronisation window's when no frame needs more. */
  private static final int READ_SIZE = 16 * 1024;
  /** The largest array a JVM reliably allocates. */
  private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

  private final SchemaDecoder decoder;
  private final InputStream in;
  private final FrameFormat format;
  private final int lengthSize;
  /** Cuts the frames; replaced when the reader moves to a place it did not reach by frames. */
  private FrameReader frames;
  /** The stream offset of the first byte given to {@code frames}. */
  private long framesStart;
  /** The length {@code frames} refused, which it holds at its front; -1 while it refused none. */
  private long refusedLength = -1;
  /** The stream offset where the stream ended inside a frame, once {@link #next()} said so; else -1. */
  private long truncatedAt = -1;

  /**
   * Bytes read from the stream and not yet given to {@code frames} are {@code [start, end)} of
   * {@code buffer}; since the buffer was last emptied, {@code [0, start)} are the bytes given, in
   * order. While resynchronising, {@code [start, end)} is the window of candidate frames.
   */
  private byte[] buffer = new byte[READ_SIZE];
  private int start;
  private int end;
  private boolean endOfStream;
  private long bytesMoved;

  /**
   * What {@link #resynchronize()} skipped: {@code [from, to)} of the stream.
   *
   * @param from the stream offset it started from, that of the refused length prefix
   * @param to the stream offset of the plausible frame it found, or of the end of the stream
   * @param found whether it found a plausible frame before the stream ended
   */
  public record Resync(long from, long to, boolean found) {
    /** How many bytes were skipped: {@code to - from}. */
    public long skipped() {
      return to - from;
    }
  }

  /**
   * A reader of the frames of {@code decoder}'s frame format in {@code in}, from its current
   * position, which is stream offset 0. The reader reads {@code in} as frames need it, never
   * closes it, and must be its only reader.
   */
  public CaptureReader(SchemaDecoder decoder, InputStream in) {
    this.decoder = requireNonNull(decoder, "decoder");
    this.in = requireNonNull(in, "in");
    this.format = FrameFormat.builder()
        .lengthSize(decoder.options().lengthPrefix().size())
        .byteOrder(decoder.options().byteOrder())
        .maxFrameLength((int) decoder.options().maxFrameLength()) // the linker keeps it to an int
        .build();
    this.lengthSize = format.lengthSize();
    restartFraming(0);
  }

  /** The stream offset of the next byte to be read as a frame. */
  public long offset() {
    return truncatedAt >= 0 ? truncatedAt : framesStart + frames.consumed();
  }

  /**
   * The next frame, or empty at a clean end of stream (at a frame boundary).
   *
   * @throws DecodeException for a frame whose length is too long, that the stream cuts short,
   *     or whose body is malformed (see the class comment for where the reader then stands)
   * @throws IOException if reading the stream fails
   */
  public Optional<DecodedFrame> next() throws DecodeException, IOException {
    if (truncatedAt >= 0) {
      return Optional.empty();
    }
    try {
      while (true) {
        ByteBuffer body = frames.nextFrame();
        if (body != null) {
          // The body is the frame reader's until the next call on it: decoded before that.
          return Optional.of(decoder.decodeBody(offset() - lengthSize - body.remaining(), body));
        }
        if (!fill(1)) {
          return endOfStream();
        }
        ByteBuffer chunk = ByteBuffer.wrap(buffer, start, end - start);
        try {
          frames.feed(chunk);
        } finally {
          start = chunk.position(); // what the frame reader took, even when it refuses a length
        }
      }
    } catch (FrameTooLongException e) {
      refusedLength = e.length();
      throw DecodeException.tooLong(offset(), e.length(), e.maxFrameLength());
    }
  }

  /** The stream has ended: cleanly at a frame boundary, else inside the frame the reader holds. */
  private Optional<DecodedFrame> endOfStream() throws DecodeException {
    long frameOffset = offset();
    int have = frames.buffered();
    try {
      frames.endOfStream();
    } catch (TruncatedFrameException e) {
      truncatedAt = frameOffset + have;
      throw have < lengthSize
          ? DecodeException.truncatedPrefix(frameOffset, have, lengthSize)
          : DecodeException.truncatedBody(frameOffset, have - lengthSize + e.missing(), have - lengthSize);
    }
    if (frames.capacity() > FrameReader.DEFAULT_BUFFER_SIZE) {
      restartFraming(frameOffset); // a large last frame is gone: give its memory back
    }
    return Optional.empty();
  }

  /** Frames cut from {@code offset} on, by a new frame reader: the old one is stuck or done. */
  private void restartFraming(long offset) {
    frames = new FrameReader(format);
    framesStart = offset;
    refusedLength = -1;
  }

  /**
   * Skips forward from the current offset, one byte at a time, to the next plausible frame: one
   * whose length prefix is at least the type id's width and at most {@code max_frame_length},
   * whose whole body is in the stream, and which decodes without error and without bytes left
   * over after its last field. (A frame of a newer writer, with bytes after the fields this
   * schema knows, is not taken as a resynchronisation point: such bytes are as likely to be a
   * misreading.) The byte at the current offset is always skipped.
   *
   * @return what was skipped; {@code found} is false when the stream ended first
   */
  public Resync resynchronize() throws IOException {
    long from = offset();
    if (truncatedAt >= 0) {
      return new Resync(from, from, false);
    }
    takeBackFromFrames();
    long at = from;
    boolean found = false;
    while (!found && fill(1)) {
      consume(1);
      at++;
      found = plausibleFrameAtStart(at);
    }
    restartFraming(at);
    return new Resync(from, at, found);
  }

  // ---- Interim, until FrameReader can skip ------------------------------------------------------
  // Resynchronising needs what FrameReader does not offer yet: to drop bytes at its front (a
  // refused length prefix among them) and to look at the next frame without taking it. Until it
  // does (FrameReader.skip(int) and FrameReader.peekFrame()), the bytes the frame reader holds are
  // taken back into this reader's buffer, the window of candidates is scanned here, and framing
  // restarts with a new frame reader at the frame found. With those two methods, everything from
  // here to the end of the class but capacity() goes, and the buffer with it.

  /**
   * Puts the bytes {@code frames} holds back in front of {@code start}, where the window of
   * candidates starts. They are the last bytes given to it; a refused length prefix may have come
   * in two reads, so it is written again from the length it claimed.
   */
  private void takeBackFromFrames() {
    int held = frames.buffered();
    int prefix = refusedLength >= 0 ? lengthSize : 0;
    int given = held - prefix;
    if (given > start) {
      throw new IllegalStateException("the frame reader holds " + held + " bytes, of which only "
          + start + " are still in the capture reader's buffer");
    }
    start -= given;
    if (prefix == 0) {
      return;
    }
    if (start < prefix) {
      moveTo(prefix, Math.max(buffer.length, prefix + end - start));
    }
    start -= prefix;
    Wire.putLength(ByteBuffer.wrap(buffer, start, prefix).order(format.byteOrder()), prefix, (int) refusedLength);
  }

  private boolean plausibleFrameAtStart(long at) throws IOException {
    if (!fill(lengthSize)) {
      return false;
    }
    ByteBuffer prefix = ByteBuffer.wrap(buffer, start, lengthSize).order(format.byteOrder());
    long length = lengthSize == 2 ? prefix.getShort() & 0xFFFF : prefix.getInt() & 0xFFFF_FFFFL;
    if (length < decoder.options().typeId().size() || length > format.maxFrameLength()
        || !fill(lengthSize + (int) length)) {
      return false;
    }
    try {
      return decoder.decodeBody(at, ByteBuffer.wrap(buffer, start + lengthSize, (int) length)).skippedBytes() == 0;
    } catch (DecodeException e) {
      return false;
    }
  }

  private void consume(int n) {
    start += n;
  }

  /**
   * Reads until {@code n} bytes are buffered from {@code start}, or the stream ends.
   *
   * @return whether {@code n} bytes are buffered
   */
  private boolean fill(int n) throws IOException {
    if (start == end) {
      start = 0;
      end = 0;
      if (buffer.length > READ_SIZE) {
        buffer = new byte[READ_SIZE]; // a large window is gone: give its memory back
      }
    }
    while (end - start < n) {
      if (endOfStream) {
        return false;
      }
      if (end == buffer.length) {
        makeRoom(n);
      }
      int read = in.read(buffer, end, buffer.length - end);
      if (read < 0) {
        endOfStream = true;
      } else {
        end += read;
      }
    }
    return true;
  }

  /**
   * Makes room after {@code end} in a full buffer that holds fewer than {@code n} bytes from
   * {@code start}, moving those bytes to the front. The cost stays proportional to the bytes read:
   *
   * <ul>
   *   <li>A buffer smaller than {@code n} grows by at least half and at most doubles, so memory
   *       follows the bytes that actually arrive, a frame that needs a little more gets no more
   *       than it needs, and no run of growing lengths makes the buffer grow a byte at a time.
   *   <li>A buffer that could hold {@code n} bytes from its front is compacted only when at least
   *       half of it is consumed: then the bytes moved never exceed the bytes consumed since the
   *       last move. Resynchronisation consumes a byte at a time while looking up to a whole frame
   *       ahead; compacting for every byte would move a frame's length for each. Otherwise the
   *       buffer doubles (up to {@link #MAX_CAPACITY}; there, it compacts anyway).
   * </ul>
   */
  private void makeRoom(int n) {
    int capacity = buffer.length;
    long grown;
    if (n > capacity) {
      grown = Math.min(2L * capacity, Math.max(n, capacity + capacity / 2L));
      if (grown > MAX_CAPACITY) {
        // A frame near the largest max_frame_length: exactly what it needs, if the JVM allows it.
        grown = Math.max(MAX_CAPACITY, n);
      }
    } else if (start >= capacity / 2) {
      grown = capacity;
    } else {
      grown = Math.min(2L * capacity, MAX_CAPACITY);
    }
    moveTo(0, (int) grown);
  }

  /** Moves {@code [start, end)} to {@code to} in a buffer of {@code capacity} bytes, the same one if it is as large. */
  private void moveTo(int to, int capacity) {
    int kept = end - start;
    byte[] target = capacity == buffer.length ? buffer : new byte[capacity];
    System.arraycopy(buffer, start, target, to, kept);
    bytesMoved += kept;
    buffer = target;
    start = to;
    end = to + kept;
  }

  /** The bytes moved about in the buffer, since the reader was created (the frame reader's are its own). */
  long bytesMoved() {
    return bytesMoved;
  }

  // ---- End of the interim -----------------------------------------------------------------------

  /** What the reader holds in memory for the bytes it has not yet consumed: its buffer and the frame reader's. */
  int capacity() {
    return buffer.length + frames.capacity();
  }
}

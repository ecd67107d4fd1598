package dev.parley.spec.decode;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Cuts a byte stream (a capture) into frames of a {@link SchemaDecoder}'s frame format and
 * decodes them one at a time, keeping at most one frame in memory. A length prefix above
 * {@code max_frame_length} is refused as soon as it is read, before anything is allocated for the
 * body; a length within the maximum is not trusted either: the buffer grows as bytes arrive, so a
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

  private static final int INITIAL_CAPACITY = 64 * 1024;
  /** The largest array a JVM reliably allocates. */
  private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

  private final SchemaDecoder decoder;
  private final InputStream in;
  private final int lengthSize;
  private final boolean bigEndian;
  private final long maxFrameLength;
  /** Bytes read and not yet consumed are {@code [start, end)} of {@code buffer}. */
  private byte[] buffer = new byte[INITIAL_CAPACITY];
  private int start;
  private int end;
  /** The stream offset of {@code buffer[start]}. */
  private long offset;
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
    this.lengthSize = decoder.options().lengthPrefix().size();
    this.bigEndian = decoder.options().byteOrder() == ByteOrder.BIG_ENDIAN;
    this.maxFrameLength = decoder.options().maxFrameLength();
  }

  /** The stream offset of the next byte to be read as a frame. */
  public long offset() {
    return offset;
  }

  /**
   * The next frame, or empty at a clean end of stream (at a frame boundary).
   *
   * @throws DecodeException for a frame whose length is too long, that the stream cuts short,
   *     or whose body is malformed (see the class comment for where the reader then stands)
   * @throws IOException if reading the stream fails
   */
  public Optional<DecodedFrame> next() throws DecodeException, IOException {
    long frameOffset = offset;
    if (!fill(lengthSize)) {
      int have = end - start;
      if (have == 0) {
        return Optional.empty();
      }
      consume(have);
      throw DecodeException.truncatedPrefix(frameOffset, have, lengthSize);
    }
    long length = lengthAtStart();
    if (length > maxFrameLength) {
      throw DecodeException.tooLong(frameOffset, length, maxFrameLength);
    }
    int frameSize = lengthSize + (int) length;
    if (!fill(frameSize)) {
      long have = end - start - lengthSize;
      consume(end - start);
      throw DecodeException.truncatedBody(frameOffset, length, have);
    }
    ByteBuffer body = ByteBuffer.wrap(buffer, start + lengthSize, (int) length);
    // Consumed first, so that a malformed body leaves the reader at the next frame. The body's
    // bytes stay where they are until the next fill.
    consume(frameSize);
    return Optional.of(decoder.decodeBody(frameOffset, body));
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
    long from = offset;
    while (fill(1)) {
      consume(1);
      if (plausibleFrameAtStart()) {
        return new Resync(from, offset, true);
      }
    }
    return new Resync(from, offset, false);
  }

  private boolean plausibleFrameAtStart() throws IOException {
    if (!fill(lengthSize)) {
      return false;
    }
    long length = lengthAtStart();
    if (length < decoder.options().typeId().size() || length > maxFrameLength
        || !fill(lengthSize + (int) length)) {
      return false;
    }
    try {
      return decoder.decodeBody(offset, ByteBuffer.wrap(buffer, start + lengthSize, (int) length))
          .skippedBytes() == 0;
    } catch (DecodeException e) {
      return false;
    }
  }

  private void consume(int n) {
    start += n;
    offset += n;
  }

  /** The length prefix at {@code start}, which is buffered. */
  private long lengthAtStart() {
    long length = 0;
    for (int i = 0; i < lengthSize; i++) {
      int b = buffer[start + (bigEndian ? i : lengthSize - 1 - i)] & 0xFF;
      length = length << 8 | b;
    }
    return length;
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
      if (buffer.length > INITIAL_CAPACITY) {
        buffer = new byte[INITIAL_CAPACITY]; // a large frame is gone: give its memory back
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
    int kept = end - start;
    byte[] target = grown == capacity ? buffer : new byte[(int) grown];
    System.arraycopy(buffer, start, target, 0, kept);
    bytesMoved += kept;
    buffer = target;
    start = 0;
    end = kept;
  }

  /** The buffer's size: what the reader holds in memory for the bytes it has not yet consumed. */
  int capacity() {
    return buffer.length;
  }

  /** The bytes moved inside the buffer or into a larger one, since the reader was created. */
  long bytesMoved() {
    return bytesMoved;
  }
}

package dev.parley.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Cuts a byte stream into frames: accepts bytes in any chunking (one byte at a time, or many
 * frames in one read), hands out each complete frame, and keeps the bytes after it for the next
 * frame. A stream has no end-of-message marker; the length (or, in a header format without one,
 * the type id's fixed frame size) is the only delimiter. What is handed out is what the
 * {@link Protocol} decodes: for the prefix format the body after the length prefix, for a header
 * format the whole frame, header included (see {@link FrameFormat#bodyOffset()}).
 *
 * <p>Work is O(n) over the stream however it is split: bytes are copied into the buffer once, and
 * moved again only when a partial frame is shifted to the front (at most one frame's worth, once
 * per buffer's worth read). A frame's size is checked as soon as the bytes that give it are held
 * (the prefix; a header up to the end of its length field, or of its type id without a length; a
 * varint length's bytes up to the first without its continuation bit), before anything is
 * allocated for the frame: above {@link FrameFormat#maxFrameLength()} it is refused with
 * {@link FrameTooLongException}; a negative length, a length that would end the frame inside its
 * header, a varint length longer than its most bytes or not in its fewest, or a type id without a
 * fixed size is refused with a {@link MalformedFrameException} that names the header field, at
 * the field's stream offset. A length within the maximum is not trusted either: the buffer grows
 * by doubling as bytes arrive, so a length claiming a megabyte costs nothing until the megabyte
 * comes. The reader holds at most one partial frame plus its read buffer. It does not look at a
 * header's other fields, nor check its constants: the protocol's decoder does, with the whole
 * frame.
 *
 * <p>Memory follows the traffic. Nothing is allocated until the first byte is read; the read
 * buffer starts at {@link #MIN_BUFFER_SIZE} bytes and doubles, up to the size the reader was made
 * with, while reads fill it; a buffer grown for one large frame is given back once that frame has
 * been taken, and {@link #release()} gives back the whole buffer while the reader holds no bytes
 * (the event loop does that for connections that have been quiet for a while). A refused length
 * costs the smallest buffer and nothing more.
 *
 * <p>A reader that has lost the frame boundaries (a length above the maximum, in a capture
 * being searched for the next plausible frame) can {@link #skip(int)} bytes, a byte at a time if
 * need be, and {@link #peekFrame()} at the frame each new front would be without taking it. That
 * too is O(n) however the skips and reads interleave: while bytes are being skipped, the bytes
 * held are moved to the front only once at least half the buffer has been consumed, and the
 * buffer otherwise grows by half, so that no byte is moved again for every offset tried. The
 * price is memory: while skipping, the buffer may reach three times the longest frame a
 * candidate claims (and that the bytes held can fill), instead of one.
 *
 * <p><b>Ownership:</b> the buffer returned by {@link #nextFrame()} or {@link #peekFrame()} is a
 * view into the reader's memory (the same view object each time, so reading allocates nothing),
 * valid until the next call to any method of the reader (a {@code skip} or a read may move or
 * replace the bytes under it); decode it, or copy it, before reading on, and do not write to it.
 * Take every complete frame with {@code nextFrame()}, or skip past it, before reading more. Not
 * thread-safe: one reader per connection, used by one thread at a time.
 */
public final class FrameReader {

  /** The read buffer's largest size when no frame needs more. */
  public static final int DEFAULT_BUFFER_SIZE = 64 * 1024;

  /** The read buffer's size at the first read, before reads show that more would help. */
  public static final int MIN_BUFFER_SIZE = 2 * 1024;

  private static final ByteBuffer NONE = ByteBuffer.allocate(0);
  /** The largest array a JVM reliably allocates. */
  private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

  // Not final: a conversation's phase can change the layout between two frames (reformat).
  private FrameFormat format;
  private boolean bigEndian;
  private boolean hasHeader;
  /** Where a handed-out frame starts, from the frame's first byte: after the prefix, or at the header. */
  private int bodyOffset;
  /** The bytes at the front of a frame that give its size. */
  private int sizeKnownAfter;
  // The prefix format's hot path reads the reader's own fields only: copies of the format's.
  private int maxFrameLength;
  /** The most the read buffer grows to while reads fill it; frames longer than this get their own. */
  private final int maxReadSize;
  /** The size a new read buffer gets: doubles from the minimum while reads fill the buffer. */
  private int readSize;
  /** Unconsumed bytes are {@code [start, end)} of {@code buffer}'s array; no array until needed. */
  private ByteBuffer buffer = NONE;
  private int start;
  private int end;
  /**
   * The length of what the frame at {@code start} hands out, once known; -1 before: the body
   * after the prefix, or a header format's whole frame (the frame's size less the body offset).
   * Kept as the body length of the prefix format, not as a frame size: the reader's hot path
   * compiles measurably faster so.
   */
  private long bodyLength = -1;
  /** Bytes consumed before {@code start}, for the stream offsets in errors. */
  private long consumed;
  /**
   * Whether bytes were skipped since a frame was last taken: the bytes held may then have been
   * moved before, as parts of other candidate frames, and room is made by the amortised rule.
   */
  private boolean skipping;
  /** Bytes copied within the reader's memory: moves to the front and copies into grown buffers. */
  private long bytesMoved;
  /** The view handed out by nextFrame, over the current buffer. */
  private ByteBuffer frame;

  /** A reader for frames of {@code format}, with a read buffer of the default size. */
  public FrameReader(FrameFormat format) {
    this(format, DEFAULT_BUFFER_SIZE);
  }

  /**
   * A reader for frames of {@code format} whose read buffer grows to at most {@code bufferSize}
   * bytes while no frame needs more.
   */
  public FrameReader(FrameFormat format, int bufferSize) {
    if (bufferSize < sizeBytes(format)) {
      throw new IllegalArgumentException(format.hasHeader()
          ? "bufferSize " + bufferSize + " is smaller than the " + sizeBytes(format)
              + " bytes of a header that give a frame's size"
          : "bufferSize " + bufferSize + " is smaller than the length prefix");
    }
    adopt(format);
    this.maxReadSize = bufferSize;
    this.readSize = Math.min(MIN_BUFFER_SIZE, bufferSize);
    this.frame = buffer;
  }

  public FrameFormat format() {
    return format;
  }

  /**
   * Cuts the bytes held, and every byte read later, under {@code next}: a conversation's change of
   * phase (PostgreSQL's untagged startup message, then tagged ones). Call it between two frames,
   * after taking the last frame of the old layout; bytes of the new layout that arrived with it
   * are kept and are the new layout's first. A frame of the new layout that is already whole is
   * checked, as any is, by the next {@link #nextFrame()}.
   *
   * @throws IllegalArgumentException if {@code next} needs more bytes to give a frame's size than
   *     this reader's buffer may hold
   */
  public void reformat(FrameFormat next) {
    if (maxReadSize < sizeBytes(next)) {
      throw new IllegalArgumentException("the read buffer of " + maxReadSize + " bytes cannot hold the bytes that"
          + " give a frame's size in " + next);
    }
    adopt(next);
    bodyLength = -1; // a length read under the old layout means nothing under the new one
  }

  /** The bytes at a frame's front that give its size: the prefix, or the header up to what sizes it. */
  private static int sizeBytes(FrameFormat format) {
    return format.hasHeader() ? Math.max(1, format.sizeKnownAfter()) : format.lengthSize();
  }

  private void adopt(FrameFormat next) {
    this.format = next;
    this.bigEndian = next.byteOrder() == java.nio.ByteOrder.BIG_ENDIAN;
    this.hasHeader = next.hasHeader();
    this.bodyOffset = next.bodyOffset();
    this.sizeKnownAfter = next.sizeKnownAfter();
    this.maxFrameLength = next.maxFrameLength();
  }

  /**
   * Reads once from {@code channel} into the reader: as many bytes as the channel gives and the
   * buffer has room for.
   *
   * @return the number of bytes read, 0 when a non-blocking channel had none, -1 at end of stream
   * @throws FrameTooLongException if the frame at the front has a length above the maximum: skip
   *     past its prefix, or stop reading
   * @throws MalformedFrameException if the header of the frame at the front is refused (see the
   *     class comment), likewise
   */
  public int readFrom(ReadableByteChannel channel) throws IOException {
    ByteBuffer target = writable();
    int offered = target.remaining();
    int n = channel.read(target);
    read(n, offered);
    return n;
  }

  /** Like {@link #readFrom(ReadableByteChannel)}, for a stream (which blocks until it has bytes). */
  public int readFrom(InputStream in) throws IOException {
    ByteBuffer target = writable();
    int offered = target.remaining();
    int n = in.read(target.array(), target.arrayOffset() + target.position(), offered);
    read(n, offered);
    return n;
  }

  /** Counts {@code n} bytes read; a read that filled all it was offered asks for a larger buffer. */
  private void read(int n, int offered) {
    if (n > 0) {
      end += n;
      if (n == offered && readSize < maxReadSize) {
        readSize = Math.min(maxReadSize, 2 * readSize);
      }
    }
  }

  /**
   * Takes as many of {@code chunk}'s bytes as the reader has room for, and advances the chunk past
   * them. Take the complete frames with {@link #nextFrame()}, then feed the rest: the reader never
   * holds more than one partial frame and its read buffer.
   *
   * @return the number of bytes taken; 0 only when complete frames wait to be taken
   * @throws ProtocolException once the bytes that give the front frame's size are held, if they
   *     are refused: {@link FrameTooLongException} or {@link MalformedFrameException}
   */
  public int feed(ByteBuffer chunk) throws ProtocolException {
    long length = peekBodyLength();
    if (length >= 0 && end - start - bodyOffset >= length) {
      return 0; // a complete frame waits: take it first
    }
    ByteBuffer target = writable();
    int n = Math.min(target.remaining(), chunk.remaining());
    ByteBuffer slice = chunk.duplicate();
    slice.limit(slice.position() + n);
    target.put(slice);
    chunk.position(chunk.position() + n);
    end += n;
    // Check the size as soon as it is known, so an oversized or malformed frame is refused early.
    peekBodyLength();
    return n;
  }

  /**
   * The next complete frame, or {@code null} when more bytes are needed: a view from the frame's
   * first byte on the wire plus {@link FrameFormat#bodyOffset()} (the position; the body after the
   * prefix, or the first header byte) to the frame's end (the limit). It stays valid until the
   * next call on this reader.
   *
   * @throws FrameTooLongException if the next frame is longer than the maximum
   * @throws MalformedFrameException if the next frame's header is refused (see the class comment)
   */
  public ByteBuffer nextFrame() throws ProtocolException {
    long length = peekBodyLength();
    if (length < 0 || end - start - bodyOffset < length) {
      return null;
    }
    ByteBuffer body = view((int) length);
    start = body.limit();
    consumed += bodyOffset + length;
    bodyLength = -1;
    skipping = false;
    return body;
  }

  /**
   * The next complete frame, as {@link #nextFrame()} would give it, without taking it: the next
   * {@code peekFrame()} or {@code nextFrame()} gives the same frame again. The view is valid until
   * the next call on this reader, like {@code nextFrame()}'s.
   *
   * @return the frame, or {@code null} when more bytes are needed
   * @throws FrameTooLongException if the next frame is longer than the maximum, like
   *     {@code nextFrame()}: there is no frame to look at, only bytes to {@link #skip(int)}
   * @throws MalformedFrameException if the next frame's header is refused, likewise
   */
  public ByteBuffer peekFrame() throws ProtocolException {
    long length = peekBodyLength();
    if (length < 0 || end - start - bodyOffset < length) {
      return null;
    }
    return view((int) length);
  }

  /**
   * The one view, reused so that handing out a frame allocates nothing, over the front frame's
   * {@code length} bytes from the body offset.
   */
  private ByteBuffer view(int length) {
    int bodyStart = start + bodyOffset;
    frame.clear();
    frame.limit(bodyStart + length).position(bodyStart);
    return frame;
  }

  /**
   * Drops the next {@code n} bytes held, whatever they are (a length that was refused, part of a
   * frame), and counts them in {@link #consumed()}. The byte after them is read as the start of a
   * frame: by the next {@link #peekFrame()} or {@link #nextFrame()}, or by the next read, which
   * reads on even when what is held is now only part of a prefix or header. Skipping moves no
   * bytes; a view handed out before it is no longer valid.
   *
   * @throws IllegalArgumentException if {@code n} is negative or more than {@link #buffered()}
   */
  public void skip(int n) {
    if (n < 0 || n > end - start) {
      throw new IllegalArgumentException("cannot skip " + n + " bytes of the " + (end - start) + " held");
    }
    start += n;
    consumed += n;
    bodyLength = -1; // the front is a new frame; a refused length is behind it
    skipping = true;
  }

  /** Bytes received and not yet handed out as frames. */
  public int buffered() {
    return end - start;
  }

  /**
   * The capacity of the read buffer now: 0 before the first read and after {@link #release()},
   * at most the reader's buffer size, or one whole frame when larger.
   */
  public int capacity() {
    return buffer.capacity();
  }

  /**
   * Gives back the read buffer if the reader holds no bytes, so that a quiet connection holds no
   * memory for reading; the next read allocates the smallest buffer again.
   *
   * @return whether a buffer was given back
   */
  public boolean release() {
    if (start != end || buffer == NONE) {
      return false;
    }
    start = 0;
    end = 0;
    readSize = Math.min(MIN_BUFFER_SIZE, maxReadSize);
    replace(NONE);
    return true;
  }

  /**
   * Bytes of the stream handed out as whole frames, length prefixes included, or skipped, so far:
   * the stream offset of the next frame.
   */
  public long consumed() {
    return consumed;
  }

  /**
   * Bytes the reader has copied within its own memory so far: partial frames moved to the front,
   * and bytes copied into a grown buffer (not the copy of each byte read into the buffer). A
   * measure of the work framing costs beyond reading, which stays proportional to the bytes read
   * however they are split, skipped and peeked at.
   */
  public long bytesMoved() {
    return bytesMoved;
  }

  /**
   * Says that the stream has ended. At a frame boundary that is a clean close; inside a frame it
   * is a {@link TruncatedFrameException} saying how many bytes were missing: the rest of the frame
   * once its size is known, else at least the rest of its prefix or header (inside a varint
   * length, at least one byte more than it has). A header format's frame whose header is refused
   * (as {@link #nextFrame()} refuses it) counts as wanting the rest of its header, if any (none
   * for a refused varint length, whose bytes are all there); the exception's cause is then the
   * refusal.
   */
  public void endOfStream() throws TruncatedFrameException {
    int have = end - start;
    if (have == 0) {
      return;
    }
    if (hasHeader) {
      headerEndOfStream(have);
      return;
    }
    if (have < format.lengthSize()) {
      throw new TruncatedFrameException("stream ended inside a length prefix: " + have + " of "
          + format.lengthSize() + " bytes", format.lengthSize() - have, consumed);
    }
    long length = readLength();
    long missing = format.lengthSize() + length - have;
    throw new TruncatedFrameException("stream ended inside a frame: " + (have - format.lengthSize())
        + " of " + length + " body bytes, " + missing + " missing", missing, consumed);
  }

  private void headerEndOfStream(int have) throws TruncatedFrameException {
    // With a varint length the header's size is known only with its last byte: until then it is
    // at least the fixed part and one byte more than the varint has.
    boolean varint = format.hasVarintLength();
    int header = format.headerSize();
    long size;
    try {
      size = peekBodyLength(); // the whole frame: a header format's body offset is 0
    } catch (FrameTooLongException e) {
      size = e.length();
    } catch (ProtocolException e) {
      // A refused varint has all its bytes: the header has no rest to want.
      TruncatedFrameException truncated = new TruncatedFrameException("stream ended inside a frame whose"
          + " header is refused: " + e.getMessage(), varint ? 0 : Math.max(0, header - have), consumed);
      truncated.initCause(e);
      throw truncated;
    }
    if (size < 0) {
      int least = varint ? Math.max(format.minHeaderSize(), have + 1) : header;
      throw new TruncatedFrameException("stream ended inside a frame header: " + have + " of "
          + (varint ? "at least " : "") + least + " bytes", least - have, consumed);
    }
    long missing = size - have;
    throw new TruncatedFrameException("stream ended inside a frame: " + have + " of " + size + " bytes, "
        + missing + " missing", missing, consumed);
  }

  /**
   * The length of what the frame at the front hands out (see {@link #bodyLength}), -1 while the
   * bytes that give it are incomplete.
   */
  private long peekBodyLength() throws ProtocolException {
    if (bodyLength >= 0) {
      return bodyLength;
    }
    if (end - start < sizeKnownAfter) {
      return -1;
    }
    if (hasHeader) {
      // The whole frame, as the body offset is 0; still -1 while a varint length is incomplete.
      bodyLength = format.frameSize(buffer, start, end, consumed);
      return bodyLength;
    }
    long length = readLength();
    if (length > maxFrameLength) {
      throw new FrameTooLongException(length, maxFrameLength, consumed);
    }
    bodyLength = length;
    return length;
  }


  /**
   * The prefix format's length prefix at {@code start}, read from the array in the format's byte
   * order. (The prefix format's body offset is the prefix's width.)
   */
  private long readLength() {
    byte[] a = buffer.array();
    int i = start;
    if (bodyOffset == 2) {
      int b0 = a[i] & 0xFF;
      int b1 = a[i + 1] & 0xFF;
      return bigEndian ? b0 << 8 | b1 : b1 << 8 | b0;
    }
    long b0 = a[i] & 0xFF;
    long b1 = a[i + 1] & 0xFF;
    long b2 = a[i + 2] & 0xFF;
    long b3 = a[i + 3] & 0xFF;
    return bigEndian ? b0 << 24 | b1 << 16 | b2 << 8 | b3 : b3 << 24 | b2 << 16 | b1 << 8 | b0;
  }

  /**
   * Room to read into, after the buffered bytes. Shifts a partial frame to the front when it
   * would not fit where it is, and grows the buffer by doubling (up to one whole frame) only when
   * it is full and the frame's size has been checked. While bytes are being skipped, the front
   * frame is a candidate that the next skip may abandon, and the bytes held may have been moved
   * for earlier candidates: they are moved again only once at least half the buffer is consumed
   * (so the bytes moved never exceed the bytes consumed since the last move), and otherwise the
   * buffer grows by at least half, so that no run of ever longer candidates grows it a byte at a
   * time.
   */
  private ByteBuffer writable() throws ProtocolException {
    if (start == end) {
      start = 0;
      end = 0;
      skipping = false;
      if (buffer.capacity() != readSize && (buffer.capacity() > maxReadSize || buffer.capacity() < readSize)) {
        // Nothing is buffered, so nothing moves: take a buffer of the size reads call for, and give
        // back one that a large frame grew.
        replace(ByteBuffer.allocate(readSize));
      }
    }
    long length = peekBodyLength();
    // Before the size is known: the bytes that may give it, one more at a time inside a varint.
    int needed = length < 0 ? Math.max(sizeKnownAfter, end - start + 1) : bodyOffset + (int) length;
    int capacity = buffer.capacity();
    if (!skipping && capacity < readSize && (end == capacity || capacity - start < needed)) {
      // Reads have shown that a larger buffer helps, and this one must change anyway: take the size
      // they call for (or the frame's, by doubling), moving the partial frame once. Without this a
      // buffer grown to exactly one frame would stay that size, one frame a read.
      grow((int) Math.max(readSize, Math.min(needed, Math.max(readSize, 2L * capacity))));
      capacity = buffer.capacity();
    }
    if (start > 0 && (end == capacity || capacity - start < needed) && (!skipping || start >= capacity / 2)) {
      // Move the partial frame to the front: at most one frame, once per buffer's worth read;
      // while skipping, no more bytes than were consumed since the last move.
      System.arraycopy(buffer.array(), start, buffer.array(), 0, end - start);
      bytesMoved += end - start;
      end -= start;
      start = 0;
    }
    if (end == capacity) {
      // Full. Grow by doubling toward the frame's size, never to the size a length merely
      // claims: memory follows the bytes that actually arrive. (Full of complete frames nobody
      // took yet is the caller's mistake; doubling then makes room rather than reading nothing.)
      long doubled = Math.max(readSize, 2L * capacity);
      long grown;
      if (skipping) {
        // The next candidate may need a byte more: grow by half at least, and at most double.
        grown = Math.min(doubled, Math.max(needed, capacity + capacity / 2L));
      } else {
        grown = needed > capacity ? Math.min(needed, doubled) : doubled;
      }
      // No larger than a JVM reliably allocates, unless the frame needs it.
      grow((int) Math.min(grown, Math.max(needed, MAX_CAPACITY)));
    }
    ByteBuffer target = buffer.duplicate();
    target.limit(buffer.capacity()).position(end);
    return target;
  }

  private void grow(int capacity) {
    ByteBuffer larger = ByteBuffer.allocate(capacity);
    larger.put(buffer.array(), start, end - start);
    bytesMoved += end - start;
    end -= start;
    start = 0;
    replace(larger);
  }

  private void replace(ByteBuffer newBuffer) {
    buffer = newBuffer;
    // The empty buffer needs no view of its own: no frame is ever handed out of it.
    frame = newBuffer == NONE ? NONE : newBuffer.duplicate();
  }
}

package dev.parley.spec.decode;

import static java.util.Objects.requireNonNull;

import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.FrameTooLongException;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.ProtocolException;
import dev.parley.runtime.TruncatedFrameException;
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

  private final SchemaDecoder decoder;
  private final InputStream in;
  private final FrameFormat format;
  /** Bytes of a frame before what the decoder reads: the length prefix of Parley's own frame, else none. */
  private final int bodyOffset;
  /** Cuts the frames, and skips bytes while resynchronising. */
  private final FrameReader frames;
  /** The stream offset where the stream ended inside a frame, once {@link #next()} said so; else -1. */
  private long truncatedAt = -1;
  private boolean endOfStream;

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
    this.format = decoder.file().frameFormat();
    this.bodyOffset = format.bodyOffset();
    this.frames = new FrameReader(format);
  }

  /** The stream offset of the next byte to be read as a frame. */
  public long offset() {
    return truncatedAt >= 0 ? truncatedAt : frames.consumed();
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
          return Optional.of(decoder.decodeBody(offset() - bodyOffset - body.remaining(), body));
        }
        if (!read()) {
          return endOfStream();
        }
      }
    } catch (FrameTooLongException e) {
      throw DecodeException.tooLong(offset(), e.length(), e.maxFrameLength(),
          format.hasHeader() ? "frame of" : "length prefix");
    } catch (MalformedFrameException e) {
      // The frame reader refused a length no frame can have: like one too long, its end is unknown.
      throw DecodeException.unframeable(offset(), e.path(), e.problem());
    } catch (ProtocolException e) {
      throw DecodeException.unframeable(offset(), "", e.getMessage());
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
      if (format.hasHeader() && format.minHeaderSize() < format.headerSize()) {
        // A varint length ends the header: the reader knows how much of it is missing.
        throw e.getMessage().contains("frame header")
            ? DecodeException.truncatedHeader(frameOffset, have, have + (int) e.missing())
            : DecodeException.truncatedRest(frameOffset, have + e.missing(), have, "frame");
      }
      if (format.hasHeader()) {
        throw have < format.headerSize()
            ? DecodeException.truncatedStart(frameOffset, have, format.headerSize(), "frame header")
            : DecodeException.truncatedRest(frameOffset, have + e.missing(), have, "frame");
      }
      int lengthSize = format.lengthSize();
      throw have < lengthSize
          ? DecodeException.truncatedStart(frameOffset, have, lengthSize, "length prefix")
          : DecodeException.truncatedRest(frameOffset, have - lengthSize + e.missing(), have - lengthSize, "body");
    }
    frames.release(); // nothing more comes: a large last frame's memory goes back
    return Optional.empty();
  }

  /**
   * Reads once from the stream into the frame reader, unless the stream has ended.
   *
   * @return false at the end of the stream
   * @throws FrameTooLongException if the frame reader holds a refused length prefix at its front
   */
  private boolean read() throws IOException {
    if (!endOfStream && frames.readFrom(in) < 0) {
      endOfStream = true;
    }
    return !endOfStream;
  }

  /**
   * Skips forward from the current offset, one byte at a time, to the next plausible frame: one
   * whose length prefix is at least the type id's width and at most {@code max_frame_length},
   * whose whole body is in the stream, and which decodes without error and without bytes left
   * over after its last field. (A frame of a newer writer, with bytes after the fields this
   * schema knows, is not taken as a resynchronisation point: such bytes are as likely to be a
   * misreading.) The byte at the current offset is always skipped. The frame reader tries every
   * offset in work proportional to the bytes skipped, holding up to three times the longest
   * candidate meanwhile (see {@link FrameReader}).
   *
   * @return what was skipped; {@code found} is false when the stream ended first
   */
  public Resync resynchronize() throws IOException {
    long from = offset();
    if (truncatedAt >= 0) {
      return new Resync(from, from, false);
    }
    boolean found = false;
    while (!found && (frames.buffered() > 0 || read())) {
      frames.skip(1);
      found = isPlausibleFrameAtFront();
    }
    return new Resync(from, offset(), found);
  }

  /** Whether the frame at the frame reader's front is plausible, reading until it is complete. */
  private boolean isPlausibleFrameAtFront() throws IOException {
    ByteBuffer body;
    try {
      while ((body = frames.peekFrame()) == null) {
        if (!read()) {
          return false; // cut short by the end of the stream
        }
      }
    } catch (ProtocolException e) {
      return false; // too long, or a length no frame can have
    }
    int smallest = format.hasHeader() ? format.headerSize() : decoder.options().typeId().size();
    if (body.remaining() < smallest) {
      return false;
    }
    try {
      // Peeked, not taken: decoded before the next call on the frame reader, like next()'s.
      return decoder.decodeBody(offset(), body).skippedBytes() == 0;
    } catch (DecodeException e) {
      return false;
    }
  }

  /** The bytes the frame reader has moved about in its memory, since this reader was created. */
  long bytesMoved() {
    return frames.bytesMoved();
  }

  /** What the reader holds in memory for the bytes it has not yet consumed: the frame reader's buffer. */
  int capacity() {
    return frames.capacity();
  }
}

package dev.parley.spec.decode;

import static java.util.Objects.requireNonNull;

/**
 * A frame that cannot be decoded, with where it starts in the stream and, for a malformed body,
 * the field path and the offsets in the body and in the stream:
 * {@code frame at offset 38, length 30: Report.plan[1].at.lat: need 8 bytes, 2 left, at body
 * offset 25 (stream offset 67)}. It has no stack trace: it is about the bytes, not the code.
 */
public final class DecodeException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What kind of damage, which decides whether the stream can go on after it. */
  public enum Kind {
    /** The body breaks a rule of the wire format. The frame's end is known: the next frame follows it. */
    MALFORMED,
    /**
     * The length is above {@code max_frame_length}, or one no frame can have (negative, ending
     * inside the header; in a frame without a length, a type id with no size): where the next
     * frame starts is unknown.
     */
    TOO_LONG,
    /** The stream ended inside the frame. */
    TRUNCATED
  }

  private final Kind kind;
  private final long frameOffset;
  private final long frameLength;
  private final String path;
  private final String problem;
  private final long bodyOffset;
  private final long streamOffset;
  private final long missing;

  private DecodeException(Kind kind, long frameOffset, long frameLength, String path, String problem,
      long bodyOffset, long streamOffset, long missing) {
    // No stack trace: the exception describes the data, not the code, and resynchronisation
    // creates one for every candidate frame it rejects. The message is spelled when asked for.
    super(null, null, true, false);
    this.kind = kind;
    this.frameOffset = frameOffset;
    this.frameLength = frameLength;
    this.path = requireNonNull(path, "path");
    this.problem = requireNonNull(problem, "problem");
    this.bodyOffset = bodyOffset;
    this.streamOffset = streamOffset;
    this.missing = missing;
  }

  /** A body that breaks a rule at {@code bodyOffset}, in the field at {@code path}. */
  static DecodeException malformed(long frameOffset, int lengthSize, long frameLength, String path,
      String problem, long bodyOffset) {
    return new DecodeException(Kind.MALFORMED, frameOffset, frameLength, path, problem, bodyOffset,
        frameOffset + lengthSize + bodyOffset, 0);
  }

  /** A length above the maximum; {@code what} names it: a length prefix, or a declared header's length. */
  static DecodeException tooLong(long frameOffset, long frameLength, long maxFrameLength, String what) {
    return new DecodeException(Kind.TOO_LONG, frameOffset, frameLength, "",
        what + " " + frameLength + " exceeds max_frame_length " + maxFrameLength, -1,
        frameOffset, 0);
  }

  /** A header whose length cannot be framed (see {@link Kind#TOO_LONG}): {@code problem} says why. */
  static DecodeException unframeable(long frameOffset, String path, String problem) {
    return new DecodeException(Kind.TOO_LONG, frameOffset, -1, path, problem, -1, frameOffset, 0);
  }

  /**
   * The stream ended after {@code have} of the {@code size} bytes that give a frame's size:
   * {@code what} they are, {@code length prefix} or {@code frame header}.
   */
  /**
   * The stream ended inside a header whose varint length was still coming: at least
   * {@code atLeast} bytes were needed.
   */
  static DecodeException truncatedHeader(long frameOffset, int have, int atLeast) {
    return new DecodeException(Kind.TRUNCATED, frameOffset, -1, "", "stream ended inside the frame header: "
        + have + " of at least " + atLeast + " bytes, " + (atLeast - have) + " missing", -1, frameOffset,
        atLeast - have);
  }

  static DecodeException truncatedStart(long frameOffset, int have, int size, String what) {
    return new DecodeException(Kind.TRUNCATED, frameOffset, -1, "", "stream ended inside the " + what
        + ": " + have + " of " + size + " bytes, " + (size - have) + " missing", -1, frameOffset, size - have);
  }

  /**
   * The stream ended after {@code have} of the {@code frameLength} bytes of {@code what}: the
   * {@code body} after a length prefix, or a declared {@code frame} whole.
   */
  static DecodeException truncatedRest(long frameOffset, long frameLength, long have, String what) {
    return new DecodeException(Kind.TRUNCATED, frameOffset, frameLength, "", "stream ended inside the "
        + what + ": " + have + " of " + frameLength + " bytes, " + (frameLength - have) + " missing", -1,
        frameOffset, frameLength - have);
  }

  /**
   * The whole message: {@code frame at offset 38, length 30: Report.plan[1].at.lat: need 8 bytes,
   * 2 left, at body offset 25 (stream offset 67)}.
   */
  @Override
  public String getMessage() {
    StringBuilder s = new StringBuilder("frame at offset ").append(frameOffset);
    if (frameLength >= 0) {
      s.append(", length ").append(frameLength);
    }
    s.append(": ");
    if (!path.isEmpty()) {
      s.append(path).append(": ");
    }
    s.append(problem);
    if (bodyOffset >= 0) {
      s.append(", at body offset ").append(bodyOffset).append(" (stream offset ").append(streamOffset)
          .append(')');
    }
    return s.toString();
  }

  /** What kind of damage: whether and how a stream can go on after this frame. */
  public Kind kind() {
    return kind;
  }

  /** The stream offset of the frame's first byte (its length prefix). */
  public long frameOffset() {
    return frameOffset;
  }

  /** The body length the length prefix gave, or -1 when the stream ended inside the prefix. */
  public long frameLength() {
    return frameLength;
  }

  /**
   * The field the problem is in, such as {@code Report.plan[1].at.lat}; {@code type_id} for the
   * type id; empty for a problem of the frame as a whole (too long, truncated).
   */
  public String path() {
    return path;
  }

  /** What was wrong, without path or offsets: {@code bool must be 0 or 1, found 2}. */
  public String problem() {
    return problem;
  }

  /** For a malformed body, the offset of the bad byte from the body's first byte (the type id); else -1. */
  public long bodyOffset() {
    return bodyOffset;
  }

  /** The stream offset of the bad byte; for a frame as a whole, of its first byte. */
  public long streamOffset() {
    return streamOffset;
  }

  /** For a truncated frame, how many more bytes it needed; else 0. */
  public long missing() {
    return missing;
  }

  /**
   * For a malformed body, the message a generated decoder gives for the same problem
   * ({@code path: problem, at offset N}, N in the body); else the full message.
   */
  public String bodyMessage() {
    if (kind != Kind.MALFORMED) {
      return getMessage();
    }
    return (path.isEmpty() ? "" : path + ": ") + problem + ", at offset " + bodyOffset;
  }
}

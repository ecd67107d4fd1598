package dev.parley.runtime;

/**
 * A frame body that does not decode: a field cut short, a bool that is not 0 or 1, an undeclared
 * enum value, malformed UTF-8, an unknown type id. The message names the field path, the problem
 * and the byte offset within the body, such as
 * {@code Report.plan[1].at.lat: need 4 bytes, 2 left, at offset 57}. The frame reader throws it
 * too, for a header format's header that gives no frame size (a negative length, one that would
 * end the frame inside its header, a type id without a fixed size): the path is then the header
 * field's name and the offset the field's in the stream, such as
 * {@code length: negative length -5, at offset 1}.
 *
 * <p>It carries no stack trace: the message says where in the frame the problem is, which is what
 * a reader of it needs, and a peer sending bad frames should cost little to refuse. Where the
 * decoder was called from is the stack of the code that catches it.
 */
public final class MalformedFrameException extends ProtocolException {

  private static final long serialVersionUID = 1L;

  // Not final: as the error travels out of nested values, within() and relativeTo() complete
  // this one exception instead of creating (and filling the stack trace of) one a level.
  private String path;
  private final String problem;
  private long offset;

  /**
   * @param path the field path, empty for the frame as a whole
   * @param problem what is wrong, without path or offset: {@code bool must be 0 or 1, found 2}
   * @param offset where the problem was found
   */
  public MalformedFrameException(String path, String problem, long offset) {
    super(null, offset);
    this.path = path;
    this.problem = problem;
    this.offset = offset;
  }

  /**
   * A decoder that threw something other than a {@link ProtocolException}: a bug in a hand-written
   * {@link Protocol}, reported as the frame not decoding, with the decoder's exception as cause.
   * The transports use it so that such a frame closes its own connection like any bad frame.
   */
  public static MalformedFrameException decoderFailed(RuntimeException cause) {
    MalformedFrameException failed = new MalformedFrameException("", "the protocol's decoder failed: " + cause, 0);
    failed.initCause(cause);
    return failed;
  }

  /** Nothing to fill: see the class comment. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }

  /** {@code path: problem, at offset n}, such as {@code Join.nick: need 3 bytes, 1 left, at offset 9}. */
  @Override
  public String getMessage() {
    return (path.isEmpty() ? "" : path + ": ") + problem + ", at offset " + offset;
  }

  /** The field path, such as {@code Report.plan[1].at.lat}; empty for the frame as a whole. */
  public String path() {
    return path;
  }

  /** What was wrong, without path or offset. */
  public String problem() {
    return problem;
  }

  @Override
  public long offset() {
    return offset;
  }

  /**
   * Puts {@code outer} in front of the path, one level further out, and returns this exception:
   * {@code within("at")} turns {@code lat} into {@code at.lat}, and {@code within("plan[1]")}
   * turns {@code [2]} into {@code plan[1][2]}. Generated decoders call it as an error travels out
   * of a nested value; no new exception is made, so no stack trace is filled a level.
   */
  public MalformedFrameException within(String outer) {
    path = path.isEmpty() ? outer : path.startsWith("[") ? outer + path : outer + "." + path;
    return this;
  }

  /**
   * {@link #within(String) within("field[index]")}: the error was in element {@code index} of list
   * {@code field}. The label is built here, on the error's way out, never before.
   */
  public MalformedFrameException within(String field, int index) {
    return within(field + "[" + index + "]");
  }

  /**
   * Counts the offset from {@code start}, the first byte of the body, instead of from the start
   * of the buffer, and returns this exception.
   */
  public MalformedFrameException relativeTo(long start) {
    offset -= start;
    return this;
  }
}

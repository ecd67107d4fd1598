package dev.parley.runtime;

/**
 * A frame body that does not decode: a field cut short, a bool that is not 0 or 1, an undeclared
 * enum value, malformed UTF-8, an unknown type id. The message names the field path, the problem
 * and the byte offset within the body, such as
 * {@code Report.plan[1].at.lat: need 4 bytes, 2 left, at offset 57}.
 */
public final class MalformedFrameException extends ProtocolException {

  private static final long serialVersionUID = 1L;

  private final String path;
  private final String problem;

  /**
   * @param path the field path, empty for the frame as a whole
   * @param problem what is wrong, without path or offset: {@code bool must be 0 or 1, found 2}
   * @param offset where the problem was found
   */
  public MalformedFrameException(String path, String problem, long offset) {
    super(describe(path, problem, offset), offset);
    this.path = path;
    this.problem = problem;
  }

  private static String describe(String path, String problem, long offset) {
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

  /**
   * The same problem one level further out: {@code within("at")} turns {@code lat} into
   * {@code at.lat}, and {@code within("plan[1]")} turns {@code [2]} into {@code plan[1][2]}.
   * Generated decoders use it as an error travels out of a nested value.
   */
  public MalformedFrameException within(String outer) {
    String joined = path.isEmpty() ? outer : path.startsWith("[") ? outer + path : outer + "." + path;
    return new MalformedFrameException(joined, problem, offset());
  }

  /** The same problem with its offset counted from {@code start}, the first byte of the body. */
  public MalformedFrameException relativeTo(long start) {
    return new MalformedFrameException(path, problem, offset() - start);
  }
}

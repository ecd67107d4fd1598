package dev.parley.runtime;

/**
 * A frame body that does not decode: a field cut short, a bool that is not 0 or 1, an undeclared
 * enum value, malformed UTF-8, an unknown type id. The message names the field path and offset,
 * such as {@code Report.plan[1].at.lat: need 4 bytes at offset 57, 2 left}.
 */
public final class MalformedFrameException extends ProtocolException {

  private static final long serialVersionUID = 1L;

  private final String path;

  public MalformedFrameException(String path, String problem, long offset) {
    super(path.isEmpty() ? problem : path + ": " + problem, offset);
    this.path = path;
  }

  /** The field path, such as {@code Report.plan[1].at.lat}; empty for the frame as a whole. */
  public String path() {
    return path;
  }
}

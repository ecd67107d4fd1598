package dev.parley.spec.decode;

/**
 * Where a value sits in a frame, built as the decoder descends and spelled only when an error
 * needs it, as the generated decoders spell it: {@code Report.plan[1].at.lat}, {@code grid[0][2]}.
 */
final class FieldPath {

  private final FieldPath parent;
  private final String name;
  private final int index;

  private FieldPath(FieldPath parent, String name, int index) {
    this.parent = parent;
    this.name = name;
    this.index = index;
  }

  static FieldPath root(String name) {
    return new FieldPath(null, name, -1);
  }

  FieldPath field(String fieldName) {
    return new FieldPath(this, fieldName, -1);
  }

  FieldPath element(int elementIndex) {
    return new FieldPath(this, null, elementIndex);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    append(s);
    return s.toString();
  }

  private void append(StringBuilder s) {
    if (parent != null) {
      parent.append(s);
    }
    if (name == null) {
      s.append('[').append(index).append(']');
    } else {
      s.append(parent == null ? "" : ".").append(name);
    }
  }
}

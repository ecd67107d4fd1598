package dev.parley.spec;

import static java.util.Objects.requireNonNull;

/**
 * {@code AuthRequest<code>}: a union whose case the earlier field {@code selector} of the same
 * struct or message chooses, or an application field of the frame header ({@code header}, as
 * MQTT's QoS bits choose whether a PUBLISH carries a packet id). The encoder computes that field from the case it writes; the
 * record does not hold it (SPEC.md 13.8).
 */
public record SelectedType(UnionType union, String selector, boolean header) implements FieldType {

  public SelectedType {
    requireNonNull(union, "union");
    requireNonNull(selector, "selector");
  }

  /** A union selected by an earlier field of the same struct or message. */
  public SelectedType(UnionType union, String selector) {
    this(union, selector, false);
  }

  @Override
  public int minimumSize() {
    return union.minimumSize();
  }

  @Override
  public String displayName() {
    return union.name() + "<" + selector + ">";
  }
}

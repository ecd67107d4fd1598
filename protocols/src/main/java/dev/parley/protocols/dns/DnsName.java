package dev.parley.protocols.dns;

import java.util.List;
import java.util.Objects;

/**
 * A domain name, as its labels from the leftmost (the host) to the rightmost (the top-level
 * domain); the root is the name without labels. Immutable.
 *
 * <p><b>Bytes.</b> A label is any 1 to 63 octets (RFC 2181 section 11), held as a {@code String}
 * with one character per octet, U+0000 to U+00FF. Names of letters, digits and hyphens, which
 * are nearly all names on the wire, read as themselves; no IDNA conversion is made: a name with
 * letters outside ASCII travels as its {@code xn--} form (RFC 5890), which the caller gives.
 * The whole name takes at most 255 bytes on the wire: a length byte and the octets of each
 * label, then the 0 byte of the root.
 *
 * <p><b>Case.</b> DNS compares names without regard to ASCII case but keeps the case it was
 * given (RFC 4343). A {@code DnsName} keeps the octets exactly, so that a message re-encodes to
 * the bytes it was read from: {@link #equals} compares octets, case included, and
 * {@link #equalsIgnoreCase} compares names as DNS does.
 *
 * <p><b>Text.</b> {@link #toString()} is the name in the presentation format of RFC 1035 5.1,
 * with a trailing dot ({@code www.parley.test.}, the root {@code .}): a {@code .} or {@code \}
 * within a label is escaped with a backslash, and an octet that is not printable ASCII is
 * written {@code \DDD} in decimal. {@link #parse} reads that form back.
 *
 * @param labels the labels, leftmost first; copied, so later changes to the list are not seen
 */
public record DnsName(List<String> labels) {

  /** The root, the name without labels: a single 0 byte on the wire. */
  public static final DnsName ROOT = new DnsName(List.of());

  /** The longest label, in octets (RFC 1035 2.3.4). */
  public static final int MAX_LABEL_LENGTH = 63;

  /** The longest name on the wire, length bytes and the final 0 included (RFC 1035 2.3.4). */
  public static final int MAX_WIRE_LENGTH = 255;

  /**
   * @throws NullPointerException if {@code labels} or one of them is null
   * @throws IllegalArgumentException for an empty label, one longer than 63 octets, a character
   *     above U+00FF, or a name longer than 255 bytes on the wire
   */
  public DnsName {
    labels = List.copyOf(labels);
    int wire = 1;
    for (int i = 0; i < labels.size(); i++) {
      String label = labels.get(i);
      if (label.isEmpty() || label.length() > MAX_LABEL_LENGTH) {
        throw new IllegalArgumentException("label " + i + " of a DNS name takes " + label.length()
            + " bytes: a label takes 1 to " + MAX_LABEL_LENGTH);
      }
      for (int j = 0; j < label.length(); j++) {
        if (label.charAt(j) > 0xFF) {
          throw new IllegalArgumentException("label " + i + " of a DNS name holds U+"
              + String.format("%04X", (int) label.charAt(j)) + " at index " + j
              + ": a label's characters are octets, U+0000 to U+00FF (use the xn-- form for others)");
        }
      }
      wire += 1 + label.length();
    }
    if (wire > MAX_WIRE_LENGTH) {
      throw new IllegalArgumentException("a DNS name of " + labels.size() + " labels takes " + wire
          + " bytes on the wire, more than " + MAX_WIRE_LENGTH);
    }
  }

  /** The name of these labels, leftmost first: {@code DnsName.of("www", "parley", "test")}. */
  public static DnsName of(String... labels) {
    return new DnsName(List.of(labels));
  }

  /**
   * Reads a name in presentation format (RFC 1035 5.1): labels separated by dots, the trailing
   * dot optional, {@code .} alone the root; {@code \.}, {@code \\} and any {@code \X} stand for
   * the character X, and {@code \DDD} for the octet of that decimal value.
   *
   * @throws IllegalArgumentException for an empty text, an empty label (as in {@code a..b}), a bad escape, a
   *     character outside printable ASCII, or a name the constructor refuses
   */
  public static DnsName parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("an empty DNS name: the root is written '.'");
    }
    if (text.equals(".")) {
      return ROOT;
    }
    List<String> labels = new java.util.ArrayList<>();
    StringBuilder label = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        throw new IllegalArgumentException("DNS name '" + text + "' has U+" + String.format("%04X", (int) c)
            + " at index " + i + ": write an octet that is not printable ASCII as \\DDD");
      } else if (c == '.') {
        if (label.length() == 0) {
          throw new IllegalArgumentException("DNS name '" + text + "' has an empty label at index " + i);
        }
        labels.add(label.toString());
        label.setLength(0);
      } else if (c != '\\') {
        label.append(c);
      } else if (i + 1 == text.length()) {
        throw new IllegalArgumentException("DNS name '" + text + "' ends inside an escape");
      } else if (isDigit(text.charAt(i + 1))) {
        if (i + 3 >= text.length() || !isDigit(text.charAt(i + 2)) || !isDigit(text.charAt(i + 3))) {
          throw new IllegalArgumentException("DNS name '" + text + "' has a \\DDD escape without three digits"
              + " at index " + i);
        }
        int octet = Integer.parseInt(text.substring(i + 1, i + 4));
        if (octet > 0xFF) {
          throw new IllegalArgumentException("DNS name '" + text + "' escapes " + octet + " at index " + i
              + ": an octet is 0 to 255");
        }
        label.append((char) octet);
        i += 3;
      } else {
        label.append(text.charAt(++i));
      }
    }
    if (label.length() > 0) {
      labels.add(label.toString());
    }
    return new DnsName(labels);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Whether this is the root, the name without labels. */
  public boolean isRoot() {
    return labels.isEmpty();
  }

  /** The bytes this name takes on the wire without compression: 1 for the root. */
  public int wireLength() {
    int wire = 1;
    for (String label : labels) {
      wire += 1 + label.length();
    }
    return wire;
  }

  /** Whether {@code other} is the same name to DNS: the same octets, ASCII letters of either case alike (RFC 4343). */
  public boolean equalsIgnoreCase(DnsName other) {
    if (other.labels.size() != labels.size()) {
      return false;
    }
    for (int i = 0; i < labels.size(); i++) {
      String a = labels.get(i);
      String b = other.labels.get(i);
      if (a.length() != b.length()) {
        return false;
      }
      for (int j = 0; j < a.length(); j++) {
        if (asciiLower(a.charAt(j)) != asciiLower(b.charAt(j))) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * This name with ASCII letters in lower case, the form DNS compares and hashes by (RFC 4343,
   * RFC 4034 6.2): two names are the same to DNS when their lower-case forms are equal.
   */
  public DnsName toLowerCase() {
    List<String> lower = new java.util.ArrayList<>(labels.size());
    boolean changed = false;
    for (String label : labels) {
      StringBuilder l = new StringBuilder(label.length());
      for (int i = 0; i < label.length(); i++) {
        l.append(asciiLower(label.charAt(i)));
      }
      String low = l.toString();
      changed |= !low.equals(label);
      lower.add(low);
    }
    return changed ? new DnsName(lower) : this;
  }

  /**
   * Whether this name is {@code ancestor} or lies below it, as DNS compares (ASCII case ignored):
   * {@code www.parley.test.} is under {@code parley.test.}, and every name is under the root.
   */
  public boolean isUnder(DnsName ancestor) {
    int extra = labels.size() - ancestor.labels.size();
    return extra >= 0 && new DnsName(labels.subList(extra, labels.size())).equalsIgnoreCase(ancestor);
  }

  /**
   * This name followed by {@code suffix}: {@code www} and {@code parley.test.} give
   * {@code www.parley.test.}, as a master file completes a relative name with its origin.
   *
   * @throws IllegalArgumentException if the result would take more than 255 bytes
   */
  public DnsName append(DnsName suffix) {
    List<String> all = new java.util.ArrayList<>(labels);
    all.addAll(suffix.labels);
    return new DnsName(all);
  }

  private static char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  /** The presentation format with a trailing dot: {@code www.parley.test.}; the root is {@code .}. */
  @Override
  public String toString() {
    if (labels.isEmpty()) {
      return ".";
    }
    StringBuilder text = new StringBuilder();
    for (String label : labels) {
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (c == '.' || c == '\\') {
          text.append('\\').append(c);
        } else if (c < 0x21 || c > 0x7E) {
          text.append('\\').append(String.format("%03d", (int) c));
        } else {
          text.append(c);
        }
      }
      text.append('.');
    }
    return text.toString();
  }
}

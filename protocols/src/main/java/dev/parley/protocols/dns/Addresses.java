package dev.parley.protocols.dns;

import java.util.ArrayList;
import java.util.List;

/**
 * IPv4 and IPv6 addresses in their text forms, read strictly and without the resolver: the JDK's
 * {@code InetAddress.getByName} would look a name up, and turns {@code ::ffff:192.0.2.1} into an
 * IPv4 address of four bytes, where an AAAA record needs sixteen.
 */
final class Addresses {

  private Addresses() {}

  /** The four bytes of {@code 192.0.2.1}: four decimal octets, no leading zeros; null if not. */
  static byte[] ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] address = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
          || !part.chars().allMatch(Addresses::isDigit)) {
        return null;
      }
      int octet = Integer.parseInt(part);
      if (octet > 255) {
        return null;
      }
      address[i] = (byte) octet;
    }
    return address;
  }

  /**
   * The sixteen bytes of an IPv6 address in the forms of RFC 4291 2.2: eight groups of up to four
   * hex digits, one {@code ::} for a run of zero groups, and a dotted IPv4 address for the last
   * 32 bits. Null if not one; no zone index ({@code %eth0}).
   */
  static byte[] ipv6(String text) {
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    List<Integer> head = groups(gap >= 0 ? text.substring(0, gap) : text, gap < 0);
    List<Integer> tail = gap >= 0 ? groups(text.substring(gap + 2), true) : List.of();
    if (head == null || tail == null) {
      return null;
    }
    int zeros = 8 - head.size() - tail.size();
    if (gap >= 0 ? zeros < 1 : zeros != 0) {
      return null;
    }
    byte[] address = new byte[16];
    int at = 0;
    for (int group : head) {
      address[at++] = (byte) (group >> 8);
      address[at++] = (byte) group;
    }
    at += 2 * zeros;
    for (int group : tail) {
      address[at++] = (byte) (group >> 8);
      address[at++] = (byte) group;
    }
    return address;
  }

  /** The 16-bit groups of one side of a {@code ::}; its last may be an IPv4 address when {@code last}. */
  private static List<Integer> groups(String side, boolean last) {
    List<Integer> groups = new ArrayList<>();
    if (side.isEmpty()) {
      return groups;
    }
    String[] parts = side.split(":", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (last && i == parts.length - 1 && part.indexOf('.') >= 0) {
        byte[] v4 = ipv4(part);
        if (v4 == null) {
          return null;
        }
        groups.add((v4[0] & 0xFF) << 8 | (v4[1] & 0xFF));
        groups.add((v4[2] & 0xFF) << 8 | (v4[3] & 0xFF));
      } else if (part.isEmpty() || part.length() > 4 || !part.chars().allMatch(Addresses::isHexDigit)) {
        return null;
      } else {
        groups.add(Integer.parseInt(part, 16));
      }
    }
    return groups.size() > 8 ? null : groups;
  }

  /** An ASCII digit: {@link Character#isDigit} also takes the digits of other scripts. */
  static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHexDigit(int c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}

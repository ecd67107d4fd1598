package dev.parley.protocols.modbus;

import dev.parley.runtime.Bytes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Coils and discrete inputs as Modbus packs them (Application Protocol V1.1b3, 6.1 and 6.11): eight
 * to a byte, the first in the least significant bit of the first byte, the unused high bits of the
 * last byte 0. The schema carries them as bytes with a count, since the language's {@code bits}
 * have a fixed width and its lists take a byte per {@code bool}.
 */
public final class Coils {

  private Coils() {}

  /** The bytes that hold {@code count} coils: ceil(count / 8). */
  public static int byteCount(int count) {
    return (count + 7) / 8;
  }

  /**
   * Packs {@code values}, least significant bit first.
   *
   * @throws NullPointerException if {@code values} is or holds null
   */
  public static Bytes pack(List<Boolean> values) {
    byte[] packed = new byte[byteCount(values.size())];
    for (int i = 0; i < values.size(); i++) {
      if (Objects.requireNonNull(values.get(i), "values[" + i + "]")) {
        packed[i >>> 3] |= (byte) (1 << (i & 7));
      }
    }
    return Bytes.of(packed);
  }

  /**
   * The first {@code count} coils of {@code packed}, an unmodifiable list.
   *
   * @throws IllegalArgumentException if {@code packed} holds fewer than {@code count} bits
   */
  public static List<Boolean> unpack(Bytes packed, int count) {
    if (count < 0 || packed.size() < byteCount(count)) {
      throw new IllegalArgumentException(
          "count " + count + " needs " + byteCount(Math.max(count, 0)) + " bytes, " + packed.size() + " given");
    }
    List<Boolean> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add((packed.get(i >>> 3) & (1 << (i & 7))) != 0);
    }
    return Collections.unmodifiableList(values);
  }
}

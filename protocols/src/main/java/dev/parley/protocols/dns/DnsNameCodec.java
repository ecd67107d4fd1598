package dev.parley.protocols.dns;

import dev.parley.runtime.ExternCodec;
import dev.parley.runtime.MalformedFrameException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The wire form of a {@link DnsName} (RFC 1035 3.1 and 4.1.4): labels, each a length byte of 1 to
 * 63 and its octets, ended by a 0 byte or by a two-byte pointer, {@code 0b11} and a 14-bit offset
 * from the first byte of the message, to the rest of the name elsewhere in the message.
 *
 * <p>Reading follows pointers by absolute index and consumes only the bytes at the name's own
 * position, up to its 0 byte or its first pointer. Every read is bounded whatever the bytes: a
 * pointer must point strictly before the start of the run of labels it ends, so pointers cannot
 * loop; at most {@value #MAX_JUMPS} pointers are followed; and the name may take at most 255
 * bytes, as written without compression. Labels whose length byte starts with {@code 0b01}
 * (extended label types, RFC 6891 5) or {@code 0b10} (reserved) are refused.
 *
 * <p>Writing never compresses: the labels, then 0. A message written with it is longer than a
 * compressed one, never wrong. Stateless, so one instance serves every thread.
 */
public final class DnsNameCodec implements ExternCodec<DnsName> {

  /** The most pointers one name may follow: more than the 127 labels a 255-byte name can hold. */
  public static final int MAX_JUMPS = 127;

  /** A public no-argument constructor, as generated code and {@code parley decode} need. */
  public DnsNameCodec() {}

  @Override
  public int size(DnsName value) {
    return value.wireLength();
  }

  @Override
  public void write(DnsName value, ByteBuffer out) {
    for (String label : value.labels()) {
      out.put((byte) label.length());
      for (int i = 0; i < label.length(); i++) {
        out.put((byte) label.charAt(i));
      }
    }
    out.put((byte) 0);
  }

  /**
   * Reads a name at {@code in.position()}, following its pointers back to labels earlier in the
   * message, which starts at {@code origin}.
   *
   * @throws MalformedFrameException for a name cut short by the limit, a label of the reserved
   *     kinds {@code 0b01} or {@code 0b10}, a pointer that does not point before the labels it
   *     ends, more than {@value #MAX_JUMPS} pointers, or a name longer than 255 bytes
   */
  @Override
  public DnsName read(ByteBuffer in, int origin) throws MalformedFrameException {
    int limit = in.limit();
    List<String> labels = new ArrayList<>();
    int at = in.position();
    // Where the run of labels being read starts: a pointer must point before it, so each jump
    // lands strictly earlier than the last and no pointer can lead back into a loop.
    int runStart = at;
    // Where the name's own bytes end, once its first pointer is read: the position after it.
    int end = -1;
    int jumps = 0;
    int wire = 1;
    // Each step reads a label or a pointer and moves back (a pointer) or forward (a label, whose
    // octets count towards the 255 bytes): both are bounded, so the loop ends.
    while (true) {
      if (at >= limit) {
        throw new MalformedFrameException("", "the name is cut short: a label or its end was expected", at);
      }
      int length = in.get(at) & 0xFF;
      if (length == 0) {
        in.position(end < 0 ? at + 1 : end);
        return new DnsName(labels);
      }
      switch (length >>> 6) {
        case 0b11 -> {
          if (at + 1 >= limit) {
            throw new MalformedFrameException("", "the name is cut short inside a compression pointer", at);
          }
          int offset = ((length & 0x3F) << 8) | (in.get(at + 1) & 0xFF);
          long target = (long) origin + offset;
          if (target >= limit) {
            throw new MalformedFrameException("", "compression pointer to offset " + offset
                + " points beyond the message, which ends at offset " + (limit - origin), at);
          }
          if (target >= runStart) {
            throw new MalformedFrameException("", "compression pointer to offset " + offset
                + " does not point before the labels it ends, which start at offset " + (runStart - origin), at);
          }
          if (++jumps > MAX_JUMPS) {
            throw new MalformedFrameException("", "the name follows more than " + MAX_JUMPS
                + " compression pointers", at);
          }
          if (end < 0) {
            end = at + 2;
          }
          at = (int) target;
          runStart = at;
        }
        case 0b01, 0b10 -> throw new MalformedFrameException("", "label type 0b"
            + ((length >>> 6) == 0b01 ? "01" : "10") + " (length byte 0x" + String.format("%02x", length)
            + ") is not a label or a pointer: only 0b00 and 0b11 are in use (RFC 6891 5)", at);
        default -> {
          wire += 1 + length;
          if (wire > DnsName.MAX_WIRE_LENGTH) {
            throw new MalformedFrameException("", "the name takes more than " + DnsName.MAX_WIRE_LENGTH
                + " bytes", at);
          }
          if (at + length >= limit) {
            throw new MalformedFrameException("", "label of " + length + " bytes is cut short: "
                + (limit - at - 1) + " left", at);
          }
          char[] octets = new char[length];
          for (int i = 0; i < length; i++) {
            octets[i] = (char) (in.get(at + 1 + i) & 0xFF);
          }
          labels.add(new String(octets));
          at += 1 + length;
        }
      }
    }
  }

  /** The root, a single 0 byte. */
  @Override
  public int minimumSize() {
    return 1;
  }

  /**
   * Random names of up to about 10 + {@code size} / 4 labels and 255 bytes: mostly letters,
   * digits and hyphens in either case, sometimes any octet, which {@link DnsName#toString()}
   * escapes; sometimes a label of 63 octets or a name of exactly 255 bytes.
   */
  @Override
  public DnsName arbitrary(RandomGenerator random, int size) {
    int wanted = random.nextInt(2 + Math.min(size, 100) / 4 + (random.nextInt(8) == 0 ? 120 : 0));
    boolean anyOctet = random.nextInt(6) == 0;
    List<String> labels = new ArrayList<>();
    int wire = 1;
    for (int i = 0; i < wanted && wire + 2 <= DnsName.MAX_WIRE_LENGTH; i++) {
      int room = Math.min(DnsName.MAX_LABEL_LENGTH, DnsName.MAX_WIRE_LENGTH - wire - 1);
      int length = random.nextInt(12) == 0 ? room : 1 + random.nextInt(Math.min(room, 1 + size / 2 + 3));
      StringBuilder label = new StringBuilder(length);
      for (int j = 0; j < length; j++) {
        label.append(anyOctet ? (char) random.nextInt(256) : HOSTNAME.charAt(random.nextInt(HOSTNAME.length())));
      }
      labels.add(label.toString());
      wire += 1 + length;
    }
    return new DnsName(labels);
  }

  private static final String HOSTNAME = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";
}

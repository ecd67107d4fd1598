package dev.parley.testing;

import dev.parley.runtime.FrameFormat;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Damages valid frames the ways networks and attackers do: flipped bits, cut bodies, inflated
 * length prefixes, bytes overwritten with 0xFF (which inflates any length or count they land on).
 * The result is a whole frame: length prefix and body, the prefix kept consistent with the body
 * unless the damage is to the prefix itself.
 */
public final class Corruption {

  private Corruption() {}

  /** One random kind of damage applied to {@code frame} (a length prefix and its body). */
  public static byte[] corrupt(byte[] frame, FrameFormat format, RandomGenerator rnd) {
    int prefix = format.lengthSize();
    byte[] body = Arrays.copyOfRange(frame, prefix, frame.length);
    switch (rnd.nextInt(5)) {
      case 0 -> { // flip a few bits of the body
        for (int i = 0, n = 1 + rnd.nextInt(3); i < n && body.length > 0; i++) {
          body[rnd.nextInt(body.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
      }
      case 1 -> body = Arrays.copyOf(body, body.length == 0 ? 0 : rnd.nextInt(body.length)); // cut short
      case 2 -> { // a length or count claiming far more than is there
        for (int i = 0, n = 1 + rnd.nextInt(4); i < n && body.length > 0; i++) {
          body[rnd.nextInt(body.length)] = (byte) 0xFF;
        }
      }
      case 3 -> { // trailing garbage, as from a newer writer or a confused one
        byte[] longer = Arrays.copyOf(body, body.length + 1 + rnd.nextInt(8));
        for (int i = body.length; i < longer.length; i++) {
          longer[i] = (byte) rnd.nextInt();
        }
        body = longer;
      }
      default -> { // the frame's own length lies: the body stays, the prefix claims more
        return withPrefix(body, format, body.length + 1 + rnd.nextInt(1 << 20));
      }
    }
    return withPrefix(body, format, body.length);
  }

  /** {@code body} behind a length prefix of {@code format} that says {@code length}. */
  public static byte[] withPrefix(byte[] body, FrameFormat format, long length) {
    ByteBuffer out = ByteBuffer.allocate(format.lengthSize() + body.length).order(format.byteOrder());
    if (format.lengthSize() == 2) {
      out.putShort((short) length);
    } else {
      out.putInt((int) length);
    }
    return out.put(body).array();
  }
}

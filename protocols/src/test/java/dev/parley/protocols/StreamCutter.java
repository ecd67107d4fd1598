package dev.parley.protocols;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.FrameReader;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A stream of frames fed to a {@link FrameReader} in the pieces a seed chooses, for the property tests of each protocol. */
public final class StreamCutter {

  private StreamCutter() {}

  /**
   * Cuts {@code stream}, fed one byte at a time, in chunks of up to 40 bytes or all at once, with
   * a reader whose buffer starts small (at least {@code smallestBuffer}, the bytes of a header up
   * to its length), and decodes each frame with {@code protocol}.
   */
  public static <M> List<M> cut(Protocol<M> protocol, byte[] stream, long seed, int smallestBuffer)
      throws ProtocolException {
    SplittableRandom rnd = new SplittableRandom(seed);
    int strategy = rnd.nextInt(3);
    FrameReader reader = new FrameReader(protocol.frameFormat(), smallestBuffer + rnd.nextInt(200));
    List<M> messages = new ArrayList<>();
    int at = 0;
    while (at < stream.length) {
      int chunk = switch (strategy) {
        case 0 -> 1;
        case 1 -> 1 + rnd.nextInt(40);
        default -> stream.length - at;
      };
      ByteBuffer piece = ByteBuffer.wrap(stream, at, Math.min(chunk, stream.length - at));
      // Each round takes a byte at least, or hands out a frame that makes room for more.
      for (int rounds = 0; piece.hasRemaining(); rounds++) {
        assertTrue(rounds <= piece.capacity(), "the reader makes progress");
        reader.feed(piece);
        for (ByteBuffer frame = reader.nextFrame(); frame != null; frame = reader.nextFrame()) {
          messages.add(protocol.decode(frame));
        }
      }
      at += chunk;
    }
    reader.endOfStream();
    assertNull(reader.nextFrame());
    return messages;
  }
}

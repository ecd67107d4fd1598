package dev.parley.protocols.modbus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import dev.parley.protocols.StreamCutter;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import dev.parley.testing.Property;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The self-fuzzing suite of the Modbus schemas, driven by the generated generators: random
 * requests and responses round-trip with exact sizes and a length that counts what follows; a
 * stream of frames split anywhere comes back whole from the {@link FrameReader}; corrupted frames
 * decode to values that encode back to their bytes, or are refused with a
 * {@link ProtocolException} and nothing else, allocating no more than the frame accounts for,
 * through the schemas' protocols and through modbus-server's. A failure prints its seed;
 * {@code -Dparley.seed=N} replays it.
 */
class ModbusPropertyTest {

  @Test
  void randomRequestsRoundTripWithExactSizes() {
    roundTrip("random requests", ModbusRequestProtocol.INSTANCE,
        Property.forAll("random requests", ModbusRequestGenerators::randomModbusRequestMessage)
            .shrinkWith(ModbusRequestGenerators::shrinkModbusRequestMessage));
  }

  @Test
  void randomResponsesRoundTripWithExactSizes() {
    roundTrip("random responses", ModbusResponseProtocol.INSTANCE,
        Property.forAll("random responses", ModbusResponseGenerators::randomModbusResponseMessage)
            .shrinkWith(ModbusResponseGenerators::shrinkModbusResponseMessage));
  }

  private static <M> void roundTrip(String name, Protocol<M> protocol, Property<M> property) {
    property.check(m -> {
      byte[] frame = ModbusFramesTest.encode(protocol, m);
      assertEquals(frame.length - 6, ByteBuffer.wrap(frame).getShort(4) & 0xFFFF, name + ": the length counts what follows");
      assertEquals(0, ByteBuffer.wrap(frame).getShort(2), "protocol id");
      assertEquals(m, protocol.decode(ByteBuffer.wrap(frame)));
    });
  }

  @Test
  void coilsPackAndUnpackToThemselves() {
    Property.forAll("coil lists", (rnd, size) -> {
      List<Boolean> coils = new ArrayList<>();
      for (int i = 0, n = rnd.nextInt(20 * size + 1); i < n; i++) {
        coils.add(rnd.nextBoolean());
      }
      return coils;
    }).check(coils -> {
      Bytes packed = Coils.pack(coils);
      assertEquals(Coils.byteCount(coils.size()), packed.size());
      assertEquals(coils, Coils.unpack(packed, coils.size()));
      if (coils.size() % 8 != 0) {
        assertEquals(0, packed.get(packed.size() - 1) >>> (coils.size() % 8), "the unused high bits are 0");
      }
    });
  }

  /** Requests and responses, and the seed of how their stream is split. */
  private record Traffic(List<ModbusRequestMessage> requests, List<ModbusResponseMessage> responses, long split) {}

  @Test
  void streamsOfFramesSplitAnywhereComeBackWhole() {
    Property.forAll("streams of frames, split at random", (rnd, size) -> {
      List<ModbusRequestMessage> requests = new ArrayList<>();
      List<ModbusResponseMessage> responses = new ArrayList<>();
      for (int i = 0, n = 1 + rnd.nextInt(8); i < n; i++) {
        requests.add(ModbusRequestGenerators.randomModbusRequestMessage(rnd, size));
        responses.add(ModbusResponseGenerators.randomModbusResponseMessage(rnd, size));
      }
      return new Traffic(requests, responses, rnd.nextLong());
    }).check(t -> {
      assertEquals(t.requests(), cut(ModbusRequestProtocol.INSTANCE, t.requests(), t.split()));
      assertEquals(t.responses(), cut(ModbusResponseProtocol.INSTANCE, t.responses(), t.split()));
    });
  }

  /**
   * Writes {@code messages} one after another, feeds the stream to a frame reader one byte at a
   * time, in chunks of up to 40 bytes or all at once, and decodes each frame it cuts.
   */
  static <M> List<M> cut(Protocol<M> protocol, List<M> messages, long seed) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (M m : messages) {
      out.writeBytes(ModbusFramesTest.encode(protocol, m));
    }
    return StreamCutter.cut(protocol, out.toByteArray(), seed, 8); // 8: the header up to the function code
  }

  @Test
  void corruptedRequestsDecodeCanonicallyOrAreRefusedWithinAnAllocationBound() {
    corrupted("corrupted requests", ModbusRequestProtocol.INSTANCE, ModbusRequestGenerators::corruptFrame);
  }

  @Test
  void corruptedResponsesDecodeCanonicallyOrAreRefusedWithinAnAllocationBound() {
    corrupted("corrupted responses", ModbusResponseProtocol.INSTANCE, ModbusResponseGenerators::corruptFrame);
  }

  @Test
  void corruptedRequestsToTheServerDecodeCanonicallyOrAreRefusedWithinAnAllocationBound() {
    // With the function code also set at random, to reach the functions the schema does not declare.
    corrupted("corrupted requests to modbus-server", ServerFrames.SERVER.receives(), (rnd, size) -> {
      byte[] frame = ModbusRequestGenerators.corruptFrame(rnd, size);
      if (frame.length > 7 && rnd.nextBoolean()) {
        frame[7] = (byte) rnd.nextInt(256);
      }
      return frame;
    });
  }

  private static <M> void corrupted(String name, Protocol<M> protocol, Property.Generator<byte[]> frames) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int[] outcomes = new int[2];
    Property.forAll(name, frames).values(1_000).check(frame -> {
      attempt(protocol, frame, threads, new int[2]); // warms up class loading and call sites
      long before = threads.getCurrentThreadAllocatedBytes();
      attempt(protocol, frame, threads, outcomes);
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertTrue(allocated <= 32L * frame.length + 65_536,
          () -> allocated + " bytes allocated for a frame of " + frame.length);
    });
    assertTrue(outcomes[0] > 0 && outcomes[1] > 0, () -> "decoded, refused: " + outcomes[0] + ", " + outcomes[1]);
  }

  /** Cuts {@code frame} with a frame reader and decodes it: canonical if it decodes, else a ProtocolException. */
  private static <M> void attempt(Protocol<M> protocol, byte[] frame, com.sun.management.ThreadMXBean threads,
      int[] outcomes) throws Exception {
    FrameReader reader = new FrameReader(protocol.frameFormat(), 64);
    try {
      ByteBuffer in = ByteBuffer.wrap(frame);
      while (in.hasRemaining() && reader.feed(in) > 0) {
        // the reader takes what fits; one frame at most here
      }
      ByteBuffer cut = reader.nextFrame();
      if (cut == null) {
        reader.endOfStream();
        return;
      }
      byte[] bytes = new byte[cut.remaining()];
      cut.duplicate().get(bytes);
      M message = protocol.decode(cut);
      // Bytes after the known fields are skipped: what decodes encodes to a prefix of the frame,
      // but for the length, which counts only what it writes.
      byte[] again = ModbusFramesTest.encode(protocol, message);
      assertTrue(again.length <= bytes.length);
      ByteBuffer.wrap(bytes).putShort(4, (short) (again.length - 6));
      int common = again.length;
      assertArrayEquals(Arrays.copyOf(bytes, common), Arrays.copyOf(again, common),
          () -> "not canonical: " + Bytes.of(bytes).hex());
      assertEquals(message, protocol.decode(ByteBuffer.wrap(again)), "re-decodes to itself");
      outcomes[0]++;
    } catch (ProtocolException expected) {
      outcomes[1]++;
    }
  }
}

package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.internal.DirectBuffers;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The queue's all-or-nothing rule now that the encoder writes into the queue's free room with no
 * limit of its own: an encoder that writes past its promise is refused, and the frames around it
 * leave as if it had never been offered, whether its overrun landed in free room or ran into the
 * end of the buffer. And the buffer's byte order is the format's, across a change of phase, and
 * no write offers a channel more than {@link FrameWriter#MAX_BYTES_PER_WRITE}.
 */
class FrameWriterTest {

  private static final FaultyProtocol FAULTY = new FaultyProtocol(RawProtocol.u32(1 << 20));

  @Test
  void anEncoderThatWritesPastItsPromiseIntoFreeRoomIsRefusedAndTheQueueIsAsItWas() throws Exception {
    FrameWriter<Bytes> writer = new FrameWriter<>(FAULTY);
    assertTrue(writer.enqueue(text("first")));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.enqueue(text("long")));
    assertEquals("the protocol wrote more than the 4 bytes it promised for Bytes; nothing was queued", e.getMessage());
    assertEquals(9, writer.pending(), "the first frame only");
    assertTrue(writer.enqueue(text("next")));
    assertEquals("00000005" + hex("first") + "00000004" + hex("next"), hex(drain(writer)));
  }

  @Test
  void anOverrunThatRunsIntoTheEndOfTheBufferIsRefusedTheSameWay() throws Exception {
    FrameWriter<Bytes> writer = new FrameWriter<>(FAULTY);
    // A first frame that leaves exactly the 8 bytes of a 4-byte body's frame in the first buffer.
    int firstBody = FrameWriter.INITIAL_CAPACITY - 4 - 8;
    assertTrue(writer.enqueue(Bytes.of(new byte[firstBody])));
    assertEquals(FrameWriter.INITIAL_CAPACITY, writer.capacity(), "no growth: the frame of 8 bytes fits");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.enqueue(text("long")));
    assertTrue(e.getMessage().startsWith("the protocol wrote more than the 4 bytes it promised"), e.getMessage());
    assertTrue(e.getCause() instanceof java.nio.BufferOverflowException, String.valueOf(e.getCause()));
    assertEquals(4 + firstBody, writer.pending());
    assertTrue(writer.enqueue(text("last")));
    byte[] sent = drain(writer);
    assertEquals(4 + firstBody + 8, sent.length);
    assertEquals("00000004" + hex("last"), hex(java.util.Arrays.copyOfRange(sent, 4 + firstBody, sent.length)));
  }

  @Test
  void anEncoderThatWritesLessIsRefusedWithNothingQueued() throws Exception {
    FrameWriter<Bytes> writer = new FrameWriter<>(FAULTY);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.enqueue(text("short")));
    assertEquals("the protocol wrote 4 bytes of Bytes after promising 5; nothing was queued", e.getMessage());
    assertEquals(0, writer.pending());
  }

  @Test
  void theQueueWritesInTheFormatsByteOrderAcrossAChangeOfPhase() throws Exception {
    RawProtocol little = new RawProtocol(FrameFormat.builder().lengthSize(2).maxFrameLength(65_535)
        .byteOrder(ByteOrder.LITTLE_ENDIAN).build());
    RawProtocol big = RawProtocol.u32(1 << 20);
    FrameWriter<Bytes> writer = new FrameWriter<>(little);
    assertTrue(writer.enqueue(text("ab")));
    FrameWriter<Bytes> next = writer.reframe(big);
    assertTrue(next.enqueue(text("cd")));
    FrameWriter<Bytes> back = next.reframe(little);
    assertTrue(back.enqueue(text("e")));
    assertEquals("0200" + hex("ab") + "00000002" + hex("cd") + "0100" + hex("e"), hex(drain(back)));
  }

  @Test
  void aDirectQueueWritesTheSameBytesToAChannelAndAStreamAndGivesItsBufferBack() throws Exception {
    DirectBuffers direct = new DirectBuffers(Thread.currentThread());
    FrameWriter<Bytes> writer = new FrameWriter<>(RawProtocol.u32(1 << 20), 4 << 20, 0, direct);
    assertTrue(writer.enqueue(text("ab")));
    assertEquals("00000002" + hex("ab"), hex(drain(writer)));
    assertEquals(FrameWriter.INITIAL_CAPACITY, writer.capacity(), "kept while the connection is busy");
    for (int i = 0; i < 6; i++) {
      // Grows through direct buffers to 1 MiB, above the 512 KiB kept, giving each back.
      assertTrue(writer.enqueue(Bytes.of(new byte[100_000])));
    }
    assertTrue(direct.keptBytes() > 0, "the buffers it grew out of");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.flushTo(out);
    assertEquals(6 * 100_004, out.size());
    assertEquals(0, writer.capacity(), "a buffer above the kept size goes back once sent");
    long kept = direct.keptBytes();
    assertTrue(writer.enqueue(text("c")));
    assertEquals(kept - FrameWriter.INITIAL_CAPACITY, direct.keptBytes(), "the next frame takes a kept buffer");
    assertTrue(writer.flushTo(Channels.newChannel(new ByteArrayOutputStream())));
    assertTrue(writer.release());
    assertEquals(kept, direct.keptBytes(), "and a quiet connection gives it back");
  }

  @Test
  void aLongQueueLeavesInWritesOfAtMostTheBoundAndInOrderWhateverTheChannelTakes() throws Exception {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    FrameWriter<Bytes> writer = new FrameWriter<>(RawProtocol.u32(1 << 20));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (int i = 0; i < 64; i++) {
      byte[] body = new byte[4096];
      random.nextBytes(body);
      assertTrue(writer.enqueue(Bytes.of(body)));
      expected.write(ByteBuffer.allocate(4).putInt(body.length).array());
      expected.write(body);
    }
    List<Integer> offers = new ArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WritableByteChannel channel = new WritableByteChannel() {
      @Override
      public int write(ByteBuffer src) {
        offers.add(src.remaining());
        // A socket takes all, part or none of what it is offered.
        int n = random.nextInt(4) == 0 ? random.nextInt(src.remaining() + 1) : src.remaining();
        byte[] taken = new byte[n];
        src.get(taken);
        out.write(taken, 0, n);
        return n;
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {
      }
    };
    for (int flushes = 0; !writer.flushTo(channel); flushes++) {
      assertTrue(flushes < 10_000, "seed " + seed + ": the queue did not drain");
    }
    assertTrue(offers.stream().allMatch(n -> n <= FrameWriter.MAX_BYTES_PER_WRITE),
        "seed " + seed + ": offers " + offers);
    assertTrue(Arrays.equals(expected.toByteArray(), out.toByteArray()), "seed " + seed + ": the bytes, in order");
  }

  private static Bytes text(String s) {
    return Bytes.of(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static String hex(String s) {
    return text(s).hex();
  }

  private static String hex(byte[] bytes) {
    return Bytes.of(bytes).hex();
  }

  private static byte[] drain(FrameWriter<Bytes> writer) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(writer.flushTo(Channels.newChannel(out)));
    return out.toByteArray();
  }
}

package dev.parley.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The send queues' direct buffers: sizes, reuse, the bound on what is kept, and the owner's thread. */
class DirectBuffersTest {

  private final DirectBuffers buffers = new DirectBuffers(Thread.currentThread());

  @Test
  void aBufferComesInThePowerOfTwoSizeAboveItsCapacityAndIsTakenAgainOnceGivenBack() {
    ByteBuffer first = buffers.take(5_000);
    assertTrue(first.isDirect());
    assertEquals(8 * 1024, first.capacity());
    assertEquals(4 * 1024, buffers.take(1).capacity(), "the smallest size");
    assertEquals(4 * 1024, buffers.take(4 * 1024).capacity());
    first.putInt(7).order(ByteOrder.LITTLE_ENDIAN);
    buffers.give(first);
    assertEquals(8 * 1024, buffers.keptBytes());
    ByteBuffer again = buffers.take(6_000);
    assertSame(first, again);
    assertEquals(0, again.position(), "cleared");
    assertEquals(again.capacity(), again.limit());
    assertEquals(ByteOrder.BIG_ENDIAN, again.order());
    assertEquals(0, buffers.keptBytes());
    assertNotSame(again, buffers.take(6_000), "one buffer is taken once");
  }

  @Test
  void whatIsKeptIsBoundedAndTheLargestSizeIsTheDefaultQueueBound() {
    List<ByteBuffer> taken = new ArrayList<>();
    for (long kept = 0; kept <= DirectBuffers.MAX_KEPT_BYTES; kept += 1 << 20) {
      taken.add(buffers.take(1 << 20));
    }
    taken.forEach(buffers::give);
    assertEquals(DirectBuffers.MAX_KEPT_BYTES, buffers.keptBytes(), "one MiB past the bound was left to the collector");
    ByteBuffer huge = buffers.take(DirectBuffers.LARGEST + 1);
    assertEquals(DirectBuffers.LARGEST + 1, huge.capacity(), "above the largest size: exact, and never kept");
    buffers.give(huge);
    buffers.give(ByteBuffer.allocate(8 * 1024));
    assertEquals(DirectBuffers.MAX_KEPT_BYTES, buffers.keptBytes(), "neither a huge nor a heap buffer is kept");
  }

  @Test
  void anotherThreadNeitherTakesNorKeeps() throws Exception {
    ByteBuffer mine = buffers.take(4 * 1024);
    buffers.give(mine);
    CompletableFuture<ByteBuffer> theirs = new CompletableFuture<>();
    Thread other = new Thread(() -> {
      ByteBuffer b = buffers.take(4 * 1024);
      buffers.give(ByteBuffer.allocateDirect(4 * 1024));
      theirs.complete(b);
    });
    other.start();
    ByteBuffer b = theirs.get(10, TimeUnit.SECONDS);
    other.join(10_000);
    assertNotSame(mine, b);
    assertEquals(4 * 1024, buffers.keptBytes(), "only the owner's buffer is kept");
    assertSame(mine, buffers.take(4 * 1024));
  }
}

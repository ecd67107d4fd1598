package dev.parley.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.examples.kv.Get;
import dev.parley.examples.kv.KvProtocol;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.FrameTimeoutException;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The frame deadline on an {@link EmbeddedChannel} whose clock the test moves: a frame begun must
 * be whole within the deadline however its bytes trickle in; whole frames, and quiet, cost nothing.
 */
@ExtendWith(RecordingLeakDetector.Check.class)
class NettyFrameDeadlineTest {

  private final Recorder tail = new Recorder();
  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final byte[] get = Subjects.frame(KvProtocol.INSTANCE, new Get("key"));

  NettyFrameDeadlineTest() {
    channel.freezeTime();
    channel.pipeline().addLast(new FrameDeadlineHandler(Duration.ofSeconds(5)));
    ParleyCodec.addLast(channel.pipeline(), Conversation.of(KvProtocol.INSTANCE));
    channel.pipeline().addLast(tail);
  }

  private void send(int from, int to) {
    channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(get, from, to)));
  }

  @Test
  void aFrameTrickledInSlowerThanTheDeadlineClosesTheChannel() {
    send(0, 2);
    channel.advanceTimeBy(3, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    send(2, 4); // bytes keep coming: a read timeout would not fire
    channel.advanceTimeBy(3, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    FrameTimeoutException e = assertInstanceOf(FrameTimeoutException.class, tail.errors.get(0));
    assertEquals("the frame at offset 0 was not whole within PT5S: 4 bytes of it arrived", e.getMessage());
    assertFalse(channel.isOpen());
    channel.finishAndReleaseAll();
  }

  @Test
  void eachFrameHasItsOwnClockFromItsFirstBytes() {
    send(0, 2);
    channel.advanceTimeBy(4, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    channel.writeInbound(Unpooled.wrappedBuffer(NettyDecoderTest.concat(Arrays.copyOfRange(get, 2, get.length),
        Arrays.copyOf(get, 3)))); // the first frame's rest, and the start of a second
    channel.advanceTimeBy(4, TimeUnit.SECONDS); // 8 s since the first began; 4 since the second did
    channel.runScheduledPendingTasks();
    assertEquals(List.of(), tail.errors);
    assertTrue(channel.isOpen());
    send(3, get.length);
    channel.advanceTimeBy(60, TimeUnit.SECONDS); // quiet between frames: not the deadline's business
    channel.runScheduledPendingTasks();
    assertEquals(List.of(new Get("key"), new Get("key")), tail.messages);
    assertTrue(channel.isOpen());
    assertFalse(channel.finishAndReleaseAll());
  }

  @Test
  void theDeadlineIsPositive() {
    assertThrows(IllegalArgumentException.class, () -> new FrameDeadlineHandler(Duration.ZERO));
  }
}

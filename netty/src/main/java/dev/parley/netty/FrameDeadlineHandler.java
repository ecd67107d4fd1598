package dev.parley.netty;

import dev.parley.runtime.FrameTimeoutException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The runtime's frame deadline, which Netty has no handler for: a frame whose first bytes have
 * arrived must be whole within the deadline, however slowly or in however many pieces the rest
 * comes, or the channel closes; a peer that trickles a byte now and then cannot hold a connection
 * and the bytes of a frame forever. (A read timeout would not see it: bytes keep arriving.) The
 * expiry reaches {@code exceptionCaught} as a {@link FrameTimeoutException}, then the channel is
 * closed.
 *
 * <p>Put it in front of the {@link ParleyDecoder}, after TLS: it asks the pipeline's Parley decoder,
 * after each read, whether it holds part of a frame, and times each frame from the read that began
 * it. It follows the decoder through phase changes. A connection on which nothing arrives is
 * Netty's {@code IdleStateHandler}'s to close (see the README's "Running inside Netty").
 */
public final class FrameDeadlineHandler extends ChannelInboundHandlerAdapter {

  private final Duration deadline;
  private final long deadlineNanos;
  private ScheduledFuture<?> timer;
  /** The stream offset of the frame being timed. */
  private long timed = -1;

  /**
   * @param deadline how long a frame may take to arrive whole, from its first bytes; positive
   */
  public FrameDeadlineHandler(Duration deadline) {
    this.deadline = Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("the frame deadline must be positive: " + deadline);
    }
    this.deadlineNanos = deadline.toNanos();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ctx.fireChannelRead(msg);
    check(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  /** Starts the clock for a frame begun, keeps it for the same frame, stops it when none is. */
  private void check(ChannelHandlerContext ctx) {
    ParleyDecoder<?> decoder = ctx.pipeline().get(ParleyDecoder.class);
    if (decoder == null || decoder.buffered() == 0) {
      cancel();
      return;
    }
    long front = decoder.consumed();
    if (timer != null && front == timed) {
      return; // the same frame, still on its clock
    }
    cancel();
    timed = front;
    timer = ctx.executor().schedule(() -> expire(ctx, front), deadlineNanos, TimeUnit.NANOSECONDS);
  }

  private void expire(ChannelHandlerContext ctx, long front) {
    timer = null;
    ParleyDecoder<?> decoder = ctx.pipeline().get(ParleyDecoder.class);
    if (decoder != null && decoder.buffered() > 0 && decoder.consumed() == front && ctx.channel().isActive()) {
      ctx.fireExceptionCaught(new FrameTimeoutException("the frame at offset " + front + " was not whole within "
          + deadline + ": " + decoder.buffered() + " bytes of it arrived"));
      ctx.close();
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}

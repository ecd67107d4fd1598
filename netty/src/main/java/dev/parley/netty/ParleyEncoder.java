package dev.parley.netty;

import dev.parley.runtime.FrameWriter;
import dev.parley.runtime.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.util.ReferenceCounted;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Writes each outbound message of a {@link Protocol} as one frame, straight into a buffer of the
 * channel's allocator ({@code ctx.alloc().ioBuffer}, pooled and direct by default) of exactly the
 * frame's size, from {@link Protocol#encodedSize}: no intermediate array, no copy, no buffer that
 * grows. The frame is the runtime's: the length prefix and the body, or the protocol's whole frame
 * with its header checked against its size, as {@link FrameWriter} writes it.
 *
 * <p>What is reference-counted ({@code ByteBuf}s, {@code FileRegion}s) passes through untouched,
 * so that handlers after this one can still write raw bytes. A message that does not encode (one
 * of another type, a frame longer than the maximum, a protocol that breaks its promise) writes
 * nothing: its write's promise fails with an {@link EncoderException} whose cause is the runtime's
 * {@code IllegalArgumentException} or {@code IllegalStateException}, naming the message, and the
 * channel stays open, as the runtime's {@code send} refuses such a message.
 *
 * <p>Not sharable: one per channel, since a phase change replaces it in its pipeline; it holds no
 * state between messages. Used on the channel's event loop, as Netty calls it.
 *
 * @param <O> the messages encoded
 */
public final class ParleyEncoder<O> extends ChannelOutboundHandlerAdapter {

  private final Protocol<O> protocol;
  /** Sizes and writes frames into our buffers; its own queue is never used. */
  private final FrameWriter<O> frames;

  /** An encoder of {@code protocol}'s frames. */
  public ParleyEncoder(Protocol<O> protocol) {
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.frames = new FrameWriter<>(protocol,
        (int) Math.min(Integer.MAX_VALUE, protocol.frameFormat().largestFrameSize()));
  }

  /** The protocol whose frames this encoder writes. */
  public Protocol<O> protocol() {
    return protocol;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ReferenceCounted) {
      ctx.write(msg, promise);
      return;
    }
    ByteBuf buf;
    try {
      buf = encode(ctx, msg);
    } catch (RuntimeException e) {
      promise.setFailure(new EncoderException(e.getMessage(), e));
      return;
    }
    ctx.write(buf, promise);
  }

  /** The frame of {@code msg} in a new buffer of its exact size, released here if it fails. */
  private ByteBuf encode(ChannelHandlerContext ctx, Object msg) {
    @SuppressWarnings("unchecked") // a message of another type fails in the protocol's encodedSize
    O message = (O) msg;
    int size = frames.frameSize(message);
    ByteBuf buf = ctx.alloc().ioBuffer(size);
    try {
      int at = buf.writerIndex();
      if (buf.nioBufferCount() == 1) {
        // One piece of memory, as a pooled buffer always is: its view allocates nothing.
        frames.writeFrame(message, size, buf.internalNioBuffer(at, size));
      } else {
        ByteBuffer out = ByteBuffer.allocate(size);
        frames.writeFrame(message, size, out);
        buf.setBytes(at, out.flip());
      }
      buf.writerIndex(at + size);
      return buf;
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }
}

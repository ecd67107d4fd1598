package dev.parley.netty;

import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import dev.parley.runtime.TruncatedFrameException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * Cuts the inbound bytes into frames of a {@link Protocol} and decodes each into a message, which
 * it passes on with {@code fireChannelRead}: every frame layout the schema language describes
 * (Parley's length prefix, or a header with its length and type id wherever they sit, a varint
 * length, frames sized by their type id), in any chunking.
 *
 * <p><b>Checks.</b> A frame's size is checked as soon as the bytes that give it have arrived, with
 * the runtime's own rule ({@link FrameFormat#frameSize}), before anything is allocated for the
 * frame: a length above {@link FrameFormat#maxFrameLength()} is a
 * {@link dev.parley.runtime.FrameTooLongException}, an impossible one a
 * {@link MalformedFrameException} naming the header field, each at its stream offset. A length
 * within the maximum costs nothing until its bytes arrive: what is held is what the peer sent.
 *
 * <p><b>Errors.</b> A refused frame, and a body the protocol does not decode, reach
 * {@code exceptionCaught} as the {@link ProtocolException} itself (not wrapped in a
 * {@code DecoderException}: its message names the field and the offset). The decoder then does as
 * the runtime's transports do with a bad frame: it closes the channel, since the bytes after a
 * frame that is not one cannot be trusted to start a frame, and discards whatever else arrives.
 * The stream ending inside a frame (the channel's or its input's end) is a
 * {@link TruncatedFrameException} the same way; at a frame boundary it is a clean end. A decoder
 * that throws something else (a bug in a hand-written protocol) is reported as
 * {@link MalformedFrameException#decoderFailed}.
 *
 * <p><b>Copies.</b> A frame whose bytes lie in one piece of memory (always, with Netty's default
 * cumulator) is decoded in place, from a view of the {@code ByteBuf}'s own memory: the bytes are
 * not copied, and no view is allocated. Only a frame spread over several components of a
 * composite buffer is copied, once, into a buffer the decoder keeps. Bytes of a frame that
 * arrives in pieces are gathered by Netty's cumulator as for any {@link ByteToMessageDecoder}.
 *
 * <p><b>Phases.</b> One frame is decoded at a time, and the handler that receives it runs before
 * the next is cut: a handler that changes the conversation in {@code channelRead}
 * ({@link ParleyCodec#switchTo}, or {@link #replaceWith} for a decoder of another kind) has the
 * very next frame cut by the next decoder, from the bytes this one had read, exactly once.
 *
 * <p>Not sharable: one per channel, used on the channel's event loop.
 *
 * @param <I> the messages decoded
 */
public final class ParleyDecoder<I> extends ByteToMessageDecoder {

  /** A buffer for copies of frames spread over components is kept up to this size between frames. */
  private static final int KEPT_COPY = 64 * 1024;

  private final Protocol<I> protocol;
  private final FrameFormat format;
  private final int bodyOffset;
  /** Bytes of the stream before the reader index: the frames decoded, for the offsets in errors. */
  private long consumed;
  /** A bad frame was refused: nothing more is decoded. */
  private boolean refused;
  /** The next decoder, once a phase change is asked for while a frame is being handed on. */
  private ChannelHandler replacement;
  /** Inside an event in which this decoder hands messages on: a phase change waits for its end. */
  private boolean handingOn;
  private ChannelHandlerContext context;
  /** The header of a frame spread over components, copied so that its size can be read. */
  private final ByteBuffer header;
  private ByteBuffer copy;

  /** A decoder of {@code protocol}'s frames. */
  public ParleyDecoder(Protocol<I> protocol) {
    this(protocol, 0);
  }

  /** A decoder whose first frame is at {@code streamOffset} of the stream: the next phase's. */
  ParleyDecoder(Protocol<I> protocol, long streamOffset) {
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.format = protocol.frameFormat();
    this.bodyOffset = format.bodyOffset();
    this.consumed = streamOffset;
    this.header = ByteBuffer.allocate(Math.max(1, format.headerSize()));
  }

  /** The protocol whose frames this decoder cuts and decodes. */
  public Protocol<I> protocol() {
    return protocol;
  }

  /**
   * Bytes of the stream cut into frames so far (and, after a phase change, by the decoders
   * before this one): the stream offset of the next frame.
   */
  public long consumed() {
    return consumed;
  }

  /**
   * Bytes received and not yet decoded: part of the next frame, or whole frames not yet cut
   * because a phase change is pending. Before starting TLS between two frames, this must be 0:
   * bytes that came before the handshake are plaintext that anyone on the path could have sent.
   */
  public int buffered() {
    return actualReadableBytes();
  }

  /**
   * Replaces this decoder, in its pipeline, by {@code next} between two frames, and hands
   * {@code next} the bytes read after the last frame decoded: called while a message of this
   * decoder is being handled (in {@code channelRead}, on the event loop), the replacement happens
   * once that handler returns, before another frame is cut; called at any other time, at once.
   * {@code next} takes this decoder's name in the pipeline.
   *
   * @throws IllegalStateException if this decoder is not in a pipeline, or not on its event loop
   */
  public void replaceWith(ChannelHandler next) {
    Objects.requireNonNull(next, "next");
    ChannelHandlerContext ctx = context();
    if (!ctx.executor().inEventLoop()) {
      throw new IllegalStateException("a phase changes on the channel's event loop, between two frames");
    }
    if (handingOn) {
      replacement = next;
      return;
    }
    ctx.pipeline().replace(this, ctx.name(), next);
  }

  private ChannelHandlerContext context() {
    ChannelHandlerContext ctx = context;
    if (ctx == null || ctx.isRemoved()) {
      throw new IllegalStateException("the decoder is not in a pipeline");
    }
    return ctx;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    context = ctx;
    super.handlerAdded(ctx);
  }

  // The three events in which ByteToMessageDecoder hands decoded messages on: a phase change asked
  // for by their handlers takes effect before another frame is cut, or once the event is over.

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    handOn(ctx, () -> super.channelRead(ctx, msg));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    handOn(ctx, () -> super.channelInactive(ctx));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    handOn(ctx, () -> super.userEventTriggered(ctx, event));
  }

  /** One of ByteToMessageDecoder's events. */
  private interface Event {
    void run() throws Exception;
  }

  private void handOn(ChannelHandlerContext ctx, Event event) throws Exception {
    handingOn = true;
    try {
      event.run();
    } finally {
      handingOn = false;
    }
    replaceIfAsked(ctx);
  }

  /** Performs a replacement asked for while a frame was handed on; the cumulation goes to it. */
  private void replaceIfAsked(ChannelHandlerContext ctx) {
    ChannelHandler next = replacement;
    if (next != null && !ctx.isRemoved()) {
      replacement = null;
      ctx.pipeline().replace(this, ctx.name(), next);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (replacement != null) {
      // The frame just handed on changed the phase: the bytes after it are the next decoder's,
      // which gets them once this call returns (ByteToMessageDecoder hands its cumulation on).
      replaceIfAsked(ctx);
      return;
    }
    if (refused) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      I message = next(in);
      if (message != null) {
        out.add(message);
      }
    } catch (ProtocolException e) {
      refuse(ctx, in, e);
    }
  }

  /** Cuts and decodes the frame at {@code in}'s reader index, or returns null while it is incomplete. */
  private I next(ByteBuf in) throws ProtocolException {
    int start = in.readerIndex();
    int readable = in.readableBytes();
    boolean contiguous = in.nioBufferCount() == 1;
    long size;
    if (contiguous) {
      ByteBuffer view = in.internalNioBuffer(start, readable);
      size = format.frameSize(view, view.position(), view.limit(), consumed);
    } else {
      int n = Math.min(readable, header.capacity());
      in.getBytes(start, header.clear().limit(n));
      size = format.frameSize(header, 0, n, consumed);
    }
    if (size < 0 || size > readable) {
      return null;
    }
    int frameSize = (int) size;
    ByteBuffer frame;
    if (contiguous) {
      frame = in.internalNioBuffer(start + bodyOffset, frameSize - bodyOffset);
    } else {
      frame = copyOf(in, start + bodyOffset, frameSize - bodyOffset);
    }
    I message;
    try {
      message = protocol.decode(frame);
    } catch (RuntimeException e) {
      throw MalformedFrameException.decoderFailed(e);
    }
    in.skipBytes(frameSize);
    consumed += frameSize;
    if (copy != null && copy.capacity() > KEPT_COPY) {
      copy = null;
    }
    return message;
  }

  private ByteBuffer copyOf(ByteBuf in, int index, int length) {
    if (copy == null || copy.capacity() < length) {
      copy = ByteBuffer.allocate(Math.max(length, 256));
    }
    ByteBuffer target = copy.clear().limit(length);
    in.getBytes(index, target);
    return target.flip();
  }

  private void refuse(ChannelHandlerContext ctx, ByteBuf in, ProtocolException e) {
    refused = true;
    in.skipBytes(in.readableBytes());
    ctx.fireExceptionCaught(e);
    ctx.close();
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    super.decodeLast(ctx, in, out);
    if (in.isReadable() && !refused && replacement == null && !ctx.isRemoved()) {
      refuse(ctx, in, truncated(in));
    }
  }

  /**
   * The runtime's own account of a stream that ended inside a frame, the reader's, at the
   * frame's offset in the stream. Made once a connection, so its copy of the bytes held costs
   * nothing that matters.
   */
  private TruncatedFrameException truncated(ByteBuf in) {
    FrameReader reader = new FrameReader(format, Math.max(FrameReader.MIN_BUFFER_SIZE, format.headerSize()));
    ByteBuffer rest = ByteBuffer.allocate(in.readableBytes());
    in.getBytes(in.readerIndex(), rest);
    rest.flip();
    try {
      while (rest.hasRemaining() && reader.feed(rest) > 0) {
        // part of one frame: the reader takes it all
      }
      reader.endOfStream();
      throw new IllegalStateException("bytes held at the end of the stream, but no frame begun: " + rest);
    } catch (TruncatedFrameException e) {
      TruncatedFrameException here = new TruncatedFrameException(e.getMessage(), e.missing(), consumed + e.offset());
      here.initCause(e.getCause());
      return here;
    } catch (ProtocolException e) {
      throw new IllegalStateException("a frame refused at the end of the stream was not refused when it came", e);
    }
  }
}

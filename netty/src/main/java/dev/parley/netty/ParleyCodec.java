package dev.parley.netty;

import dev.parley.runtime.Conversation;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import java.util.Objects;

/**
 * A {@link Conversation} in a Netty pipeline: a {@link ParleyDecoder} of what it receives, named
 * {@value #DECODER}, and a {@link ParleyEncoder} of what it sends, named {@value #ENCODER}; and the
 * change from one conversation to the next between two frames, as a pipeline change.
 *
 * <pre>{@code
 * ch.pipeline().addLast(sslContext.newHandler(ch.alloc()));
 * ParleyCodec.addLast(ch.pipeline(), Conversation.of(KvProtocol.INSTANCE));
 * ch.pipeline().addLast(new KvHandler()); // channelRead(ctx, KvMessage), ctx.writeAndFlush(KvMessage)
 * }</pre>
 */
public final class ParleyCodec {

  /** The decoder's name in the pipeline. */
  public static final String DECODER = "parley-decoder";

  /** The encoder's name in the pipeline. */
  public static final String ENCODER = "parley-encoder";

  private ParleyCodec() {}

  /**
   * Adds, at the end of {@code pipeline}, the decoder of what {@code conversation} receives and
   * the encoder of what it sends; the handlers added after them see messages, both ways.
   *
   * @return {@code pipeline}
   * @throws IllegalArgumentException if the pipeline has a handler of either name already
   */
  public static ChannelPipeline addLast(ChannelPipeline pipeline, Conversation<?, ?> conversation) {
    Objects.requireNonNull(conversation, "conversation");
    return pipeline.addLast(DECODER, new ParleyDecoder<>(conversation.receives()))
        .addLast(ENCODER, new ParleyEncoder<>(conversation.sends()));
  }

  /**
   * Changes the conversation between two frames, as the runtime's {@code Connection.switchTo}
   * does: every message written after this call is encoded as {@code next} sends (those written
   * before were encoded already); every frame after the one being handled is cut and decoded as
   * {@code next} receives, from the bytes the old decoder had read, which it hands on. Call it on
   * the event loop, from the handler of the last message of the old phase (in its
   * {@code channelRead}): the decoder is replaced once that handler returns, before another frame
   * is cut. (PostgreSQL's server, on the StartupMessage: switch to the session's conversation,
   * then write AuthenticationOk and ReadyForQuery in it.)
   *
   * @throws IllegalStateException if the pipeline has no Parley decoder and encoder, or this is not
   *     its event loop
   */
  public static void switchTo(ChannelPipeline pipeline, Conversation<?, ?> next) {
    Objects.requireNonNull(next, "next");
    ChannelHandler decoder = pipeline.get(DECODER);
    if (!(decoder instanceof ParleyDecoder<?> parley) || !(pipeline.get(ENCODER) instanceof ParleyEncoder<?>)) {
      throw new IllegalStateException("no Parley decoder and encoder, named " + DECODER + " and " + ENCODER
          + ", in the pipeline " + pipeline.names());
    }
    if (!pipeline.channel().eventLoop().inEventLoop()) {
      throw new IllegalStateException("a phase changes on the channel's event loop, between two frames");
    }
    pipeline.replace(ENCODER, ENCODER, new ParleyEncoder<>(next.sends()));
    parley.replaceWith(new ParleyDecoder<>(next.receives(), parley.consumed()));
  }
}

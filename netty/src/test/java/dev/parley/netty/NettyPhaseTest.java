package dev.parley.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.examples.kv.Get;
import dev.parley.examples.kv.KvProtocol;
import dev.parley.protocols.pg.answer.Unwilling;
import dev.parley.protocols.pg.backend.Authentication;
import dev.parley.protocols.pg.backend.AuthenticationOk;
import dev.parley.protocols.pg.backend.CommandComplete;
import dev.parley.protocols.pg.backend.DataRow;
import dev.parley.protocols.pg.backend.PgBackendMessage;
import dev.parley.protocols.pg.backend.PgBackendProtocol;
import dev.parley.protocols.pg.backend.ReadyForQuery;
import dev.parley.protocols.pg.frontend.PgFrontendProtocol;
import dev.parley.protocols.pg.frontend.Query;
import dev.parley.protocols.pg.frontend.Terminate;
import dev.parley.protocols.pg.startup.Parameter;
import dev.parley.protocols.pg.startup.PgStartupProtocol;
import dev.parley.protocols.pg.startup.SslRequest;
import dev.parley.protocols.pg.startup.StartupMessage;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Phase changes as pipeline changes, with PostgreSQL's startup: an SSLRequest, the untagged
 * StartupMessage, then tagged frontend messages, all arriving in one read or split anyhow. Each
 * frame is cut with its own phase's layout, exactly once, after the handler of the one before has
 * returned; the bytes the old decoder had read go to the next one, Parley's or not.
 */
@ExtendWith(RecordingLeakDetector.Check.class)
class NettyPhaseTest {

  private static final StartupMessage STARTUP =
      new StartupMessage(List.of(new Parameter("user", "postgres"), new Parameter("database", "kv")));

  private static byte[] clientStream() {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.writeBytes(Subjects.frame(PgStartupProtocol.INSTANCE, new SslRequest()));
    stream.writeBytes(Subjects.frame(PgStartupProtocol.INSTANCE, STARTUP));
    stream.writeBytes(Subjects.frame(PgFrontendProtocol.INSTANCE, new Query("SELECT 'one'")));
    stream.writeBytes(Subjects.frame(PgFrontendProtocol.INSTANCE, new Query("SELECT 'two'")));
    stream.writeBytes(Subjects.frame(PgFrontendProtocol.INSTANCE, new Terminate()));
    return stream.toByteArray();
  }

  @TestFactory
  Stream<DynamicTest> thePostgresStartupSequenceIsCutPhaseByPhaseInEveryChunking() {
    return Stream.of(Chunking.values()).map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
      for (long seed = 0; seed < 20; seed++) {
        startupSequence(c, seed);
      }
    }));
  }

  private static void startupSequence(Chunking chunking, long seed) throws Exception {
    PgStartupServer server = new PgStartupServer(null);
    EmbeddedChannel channel = new EmbeddedChannel();
    ParleyCodec.addLast(channel.pipeline(), PgStartupServer.STARTUP);
    channel.pipeline().get(ParleyDecoder.class).setCumulator(chunking.cumulator());
    channel.pipeline().addLast(server);
    List<ByteBuf> pieces = chunking.split(clientStream(), new SplittableRandom(seed));
    NettyDecoderTest.deliver(channel, pieces);
    String where = chunking + ", seed " + seed;
    assertEquals(List.of(), List.copyOf(server.problems), where);
    assertEquals(List.of(new SslRequest(), STARTUP, new Query("SELECT 'one'"), new Query("SELECT 'two'"), new Terminate()),
        List.copyOf(server.received), where);
    assertFalse(channel.isOpen(), "Terminate closes");
    byte[] answers = outbound(channel);
    channel.finishAndReleaseAll();
    NettyDecoderTest.assertAllReleased(pieces);
    assertEquals('N', answers[0], "the answer to SSLRequest: one bare byte");
    List<PgBackendMessage> session = cut(PgBackendProtocol.INSTANCE, answers, 1);
    assertEquals(List.of(new Authentication(new AuthenticationOk()), new ReadyForQuery('I'),
        row("SELECT 'one'"), new CommandComplete("SELECT 1"), new ReadyForQuery('I'),
        row("SELECT 'two'"), new CommandComplete("SELECT 1"), new ReadyForQuery('I')), session, where);
  }

  private static DataRow row(String text) {
    return new DataRow(List.of(Optional.of(Bytes.of(text.getBytes(StandardCharsets.UTF_8)))));
  }

  /** Every byte the channel wrote, its buffers released. */
  static byte[] outbound(EmbeddedChannel channel) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
      out.writeBytes(ByteBufUtil.getBytes(buf));
      buf.release();
    }
    return out.toByteArray();
  }

  /** The frames of {@code protocol} in {@code bytes} from {@code from}, cut by the runtime's reader. */
  static <M> List<M> cut(dev.parley.runtime.Protocol<M> protocol, byte[] bytes, int from) throws ProtocolException {
    FrameReader reader = new FrameReader(protocol.frameFormat());
    ByteBuffer in = ByteBuffer.wrap(bytes, from, bytes.length - from);
    List<M> messages = new ArrayList<>();
    while (in.hasRemaining()) {
      reader.feed(in);
      for (ByteBuffer frame = reader.nextFrame(); frame != null; frame = reader.nextFrame()) {
        messages.add(protocol.decode(frame));
      }
    }
    reader.endOfStream();
    return messages;
  }

  @Test
  void theBytesAfterTheLastFrameGoToANextDecoderOfAnotherKindOnceTheHandlerReturns() {
    List<Object> raw = new ArrayList<>();
    EmbeddedChannel channel = new EmbeddedChannel();
    ParleyCodec.addLast(channel.pipeline(), Conversation.of(KvProtocol.INSTANCE));
    channel.pipeline().addLast("app", new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
          raw.add(ByteBufUtil.hexDump(buf));
          buf.release();
          return;
        }
        raw.add(msg);
        // The next phase is raw bytes: a decoder of another kind, here none at all.
        ctx.pipeline().get(ParleyDecoder.class).replaceWith(new ChannelInboundHandlerAdapter());
        assertEquals(1, raw.size(), "nothing more is handed on from inside replaceWith");
      }
    });
    byte[] get = Subjects.frame(KvProtocol.INSTANCE, new Get("k"));
    ByteBuf in = Unpooled.wrappedBuffer(NettyDecoderTest.concat(get, new byte[] {1, 2, 3}));
    channel.writeInbound(in);
    assertEquals(List.of(new Get("k"), "010203"), raw);
    assertEquals(null, channel.pipeline().get(ParleyDecoder.class));
    assertInstanceOf(ChannelInboundHandlerAdapter.class, channel.pipeline().get(ParleyCodec.DECODER));
    channel.finishAndReleaseAll();
    NettyDecoderTest.assertAllReleased(List.of(in));
  }

  @Test
  void switchToOutsideAHandlerOfTheDecoderReplacesAtOnce() {
    EmbeddedChannel channel = new EmbeddedChannel();
    ParleyCodec.addLast(channel.pipeline(), PgStartupServer.STARTUP);
    ParleyCodec.switchTo(channel.pipeline(), PgStartupServer.SESSION);
    assertEquals(PgFrontendProtocol.INSTANCE, channel.pipeline().get(ParleyDecoder.class).protocol());
    assertEquals(PgBackendProtocol.INSTANCE, channel.pipeline().get(ParleyEncoder.class).protocol());
    assertEquals(List.of(ParleyCodec.DECODER, ParleyCodec.ENCODER), channel.pipeline().names().subList(0, 2));
    // The old phase's message is not one the new encoder writes: its write fails, the channel stays.
    assertThrows(io.netty.handler.codec.EncoderException.class, () -> channel.writeOutbound(new Unwilling()));
    assertTrue(channel.isOpen());
    assertThrows(IllegalStateException.class, () -> ParleyCodec.switchTo(new EmbeddedChannel().pipeline(),
        PgStartupServer.SESSION));
    channel.finishAndReleaseAll();
  }
}

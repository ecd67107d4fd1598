package dev.parley.netty;

import dev.parley.protocols.pg.answer.PgEncryptionAnswerMessage;
import dev.parley.protocols.pg.answer.PgEncryptionAnswerProtocol;
import dev.parley.protocols.pg.answer.Unwilling;
import dev.parley.protocols.pg.answer.WillingSsl;
import dev.parley.protocols.pg.backend.Authentication;
import dev.parley.protocols.pg.backend.AuthenticationOk;
import dev.parley.protocols.pg.backend.CommandComplete;
import dev.parley.protocols.pg.backend.DataRow;
import dev.parley.protocols.pg.backend.PgBackendMessage;
import dev.parley.protocols.pg.backend.PgBackendProtocol;
import dev.parley.protocols.pg.backend.ReadyForQuery;
import dev.parley.protocols.pg.frontend.PgFrontendMessage;
import dev.parley.protocols.pg.frontend.PgFrontendProtocol;
import dev.parley.protocols.pg.frontend.Query;
import dev.parley.protocols.pg.frontend.Terminate;
import dev.parley.protocols.pg.startup.PgStartupMessage;
import dev.parley.protocols.pg.startup.SslRequest;
import dev.parley.protocols.pg.startup.StartupMessage;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.Conversation;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;

/**
 * The server side of PostgreSQL's startup as a Netty handler, after the Parley codec, the
 * README's example made to run: SSLRequest answered 'N', or 'S' and TLS started when the server
 * has an engine for it; the StartupMessage answered in the session's conversation, to which it
 * switches first; then each Query answered with its text as a row, and Terminate closing. It
 * records every message it receives, and fails if one arrives while it handles another (a phase
 * change must not hand it the next frame from inside {@code switchTo}).
 */
final class PgStartupServer extends ChannelInboundHandlerAdapter {

  static final Conversation<PgStartupMessage, PgEncryptionAnswerMessage> STARTUP =
      Conversation.of(dev.parley.protocols.pg.startup.PgStartupProtocol.INSTANCE, PgEncryptionAnswerProtocol.INSTANCE);
  static final Conversation<PgFrontendMessage, PgBackendMessage> SESSION =
      Conversation.of(PgFrontendProtocol.INSTANCE, PgBackendProtocol.INSTANCE);

  final Queue<Object> received = new ConcurrentLinkedQueue<>();
  final Queue<String> problems = new ConcurrentLinkedQueue<>();
  private final Supplier<SSLEngine> tls;
  private boolean handling;
  private boolean secure;

  /** @param tls the server's TLS engines, or null for a server that answers SSLRequest 'N' */
  PgStartupServer(Supplier<SSLEngine> tls) {
    this.tls = tls;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (handling) {
      problems.add("received " + msg + " while handling another message");
    }
    handling = true;
    try {
      received.add(msg);
      handle(ctx, msg);
    } finally {
      handling = false;
    }
  }

  private void handle(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof SslRequest && tls != null && !secure) {
      if (ctx.pipeline().get(ParleyDecoder.class).buffered() > 0) {
        problems.add("bytes after SSLRequest, before the handshake");
        ctx.close(); // plaintext that anyone on the path could have sent
        return;
      }
      ctx.writeAndFlush(new WillingSsl()); // 'S', in plaintext
      SSLEngine engine = tls.get();
      engine.setUseClientMode(false);
      ctx.pipeline().addFirst("tls", new io.netty.handler.ssl.SslHandler(engine));
      secure = true;
    } else if (msg instanceof SslRequest) {
      ctx.writeAndFlush(new Unwilling());
    } else if (msg instanceof StartupMessage) {
      ParleyCodec.switchTo(ctx.pipeline(), SESSION);
      ctx.write(new Authentication(new AuthenticationOk()));
      ctx.writeAndFlush(new ReadyForQuery('I'));
    } else if (msg instanceof Query query) {
      ctx.write(new DataRow(List.of(Optional.of(Bytes.of(query.sql().getBytes(StandardCharsets.UTF_8))))));
      ctx.write(new CommandComplete("SELECT 1"));
      ctx.writeAndFlush(new ReadyForQuery('I'));
    } else if (msg instanceof Terminate) {
      ctx.close();
    } else {
      problems.add("unexpected " + msg);
      ctx.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    problems.add(cause.toString());
    ctx.close();
  }
}

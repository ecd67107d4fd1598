package dev.parley.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.List;

/** The last handler of a test pipeline: keeps the messages and the errors that reach it. */
final class Recorder extends ChannelInboundHandlerAdapter {

  final List<Object> messages = new ArrayList<>();
  final List<Throwable> errors = new ArrayList<>();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    messages.add(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    errors.add(cause);
  }
}

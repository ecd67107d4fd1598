package dev.parley.netty;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** A Netty transport of this machine: NIO always, epoll where the native library loads. */
record Transport(String name, Supplier<IoHandlerFactory> io, Class<? extends ServerChannel> server,
    Class<? extends SocketChannel> client) {

  static List<Transport> available() {
    List<Transport> transports = new ArrayList<>();
    transports.add(new Transport("nio", NioIoHandler::newFactory, NioServerSocketChannel.class, NioSocketChannel.class));
    if (Epoll.isAvailable()) {
      transports.add(new Transport("epoll", EpollIoHandler::newFactory, EpollServerSocketChannel.class,
          EpollSocketChannel.class));
    } else {
      System.err.println("epoll is not available here, only NIO is tested: " + Epoll.unavailabilityCause());
    }
    return transports;
  }

  @Override
  public String toString() {
    return name;
  }
}

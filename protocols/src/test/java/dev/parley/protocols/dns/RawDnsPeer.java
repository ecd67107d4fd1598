package dev.parley.protocols.dns;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * The other end of one DNS-over-TCP connection, byte by byte, for tests that need a peer that
 * misbehaves: as a server it accepts one connection; as a client it connects. Every read waits
 * at most {@link #TIMEOUT}.
 */
final class RawDnsPeer implements Closeable {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final ServerSocket listener;
  private Socket socket;
  private DataInputStream in;
  private OutputStream out;

  private RawDnsPeer(ServerSocket listener, Socket socket) throws IOException {
    this.listener = listener;
    if (socket != null) {
      attach(socket);
    }
  }

  /** A server on 127.0.0.1, any free port, not yet accepting. */
  static RawDnsPeer listen() throws IOException {
    return new RawDnsPeer(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()), null);
  }

  /** A client connected to {@code address}. */
  static RawDnsPeer connect(InetSocketAddress address) throws IOException {
    Socket socket = new Socket();
    socket.connect(address, (int) TIMEOUT.toMillis());
    return new RawDnsPeer(null, socket);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  /** Accepts the one connection. */
  RawDnsPeer accept() throws IOException {
    listener.setSoTimeout((int) TIMEOUT.toMillis());
    attach(listener.accept());
    return this;
  }

  private void attach(Socket s) throws IOException {
    socket = s;
    socket.setSoTimeout((int) TIMEOUT.toMillis());
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** The next DNS message, without its length. */
  byte[] readMessage() throws IOException {
    byte[] message = new byte[in.readUnsignedShort()];
    in.readFully(message);
    return message;
  }

  /** Whether the peer closed: the next read ends the stream. */
  boolean closedByPeer() throws IOException {
    return in.read() < 0;
  }

  /** The id of {@code message}. */
  static int id(byte[] message) {
    return (message[0] & 0xFF) << 8 | (message[1] & 0xFF);
  }

  /** Writes {@code bytes} as they are. */
  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Writes {@code message} with its length before it. */
  void writeMessage(byte[] message) throws IOException {
    write(new byte[] {(byte) (message.length >> 8), (byte) message.length});
    write(message);
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
    }
    if (listener != null) {
      listener.close();
    }
  }
}

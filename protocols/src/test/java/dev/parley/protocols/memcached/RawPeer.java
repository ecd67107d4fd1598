package dev.parley.protocols.memcached;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/** A peer that writes bytes of its own choosing to a server and reads what comes back, within bounds. */
final class RawPeer implements AutoCloseable {

  private final Socket socket;

  RawPeer(InetSocketAddress address) throws IOException {
    socket = new Socket();
    socket.connect(address, 5_000);
    socket.setSoTimeout(5_000);
  }

  /** A request frame: the 24-byte header, then extras, key and value. */
  static byte[] request(int magic, int opcode, long opaque, byte[] extras, byte[] key, byte[] value) {
    ByteBuffer frame = ByteBuffer.allocate(24 + extras.length + key.length + value.length);
    frame.put((byte) magic).put((byte) opcode).putShort((short) key.length).put((byte) extras.length).put((byte) 0)
        .putShort((short) 0).putInt(extras.length + key.length + value.length).putInt((int) opaque).putLong(0)
        .put(extras).put(key).put(value);
    return frame.array();
  }

  static byte[] request(int opcode, long opaque) {
    return request(0x80, opcode, opaque, new byte[0], new byte[0], new byte[0]);
  }

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  void send(byte[]... frames) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] frame : frames) {
      all.writeBytes(frame);
    }
    socket.getOutputStream().write(all.toByteArray()); // one write: the server sees them together
  }

  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  /** Exactly {@code n} bytes, as hex. */
  String read(int n) throws IOException {
    byte[] bytes = socket.getInputStream().readNBytes(n);
    if (bytes.length < n) {
      throw new IOException("the server closed after " + bytes.length + " of " + n + " bytes: "
          + HexFormat.of().formatHex(bytes));
    }
    return HexFormat.of().formatHex(bytes);
  }

  /** What arrives until the server closes, as hex; fails if it does not close within the socket timeout. */
  String readToEnd() throws IOException {
    InputStream in = socket.getInputStream();
    try {
      return HexFormat.of().formatHex(in.readAllBytes());
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection within 5 s", e);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

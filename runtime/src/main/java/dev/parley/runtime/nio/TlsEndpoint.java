package dev.parley.runtime.nio;

import dev.parley.runtime.internal.TlsChannel;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import javax.net.ssl.SSLEngine;

/**
 * An endpoint that carries a connection's bytes as TLS records over another endpoint. Before the
 * bytes of the handshake, it writes the plaintext that was queued before TLS started (the {@code S}
 * that answers PostgreSQL's SSLRequest). It asks for the readiness its records need on top of what
 * the connection asks for: writing while wrapped bytes wait, reading while the handshake waits for
 * the peer.
 */
final class TlsEndpoint implements Endpoint {

  private final Endpoint raw;
  private final TlsChannel tls;
  /** Plaintext to write before any record, or null when none is left. */
  private ByteBuffer plaintext;

  TlsEndpoint(Endpoint raw, SSLEngine engine, ByteBuffer plaintext) {
    this.raw = raw;
    this.plaintext = plaintext != null && plaintext.hasRemaining() ? plaintext : null;
    this.tls = new TlsChannel(engine, raw);
  }

  TlsChannel tls() {
    return tls;
  }

  /** Moves the handshake on; true once it is done and its last bytes have left. */
  boolean handshake() throws IOException {
    return writePlaintext() && tls.handshake();
  }

  private boolean writePlaintext() throws IOException {
    if (plaintext == null) {
      return true;
    }
    while (plaintext.hasRemaining() && raw.write(plaintext) > 0) {
      // on while the socket takes bytes
    }
    if (plaintext.hasRemaining()) {
      return false;
    }
    plaintext = null;
    return true;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return tls.read(dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return tls.write(src);
  }

  @Override
  public boolean flushBuffered() throws IOException {
    return writePlaintext() && tls.flush();
  }

  @Override
  public boolean hasUnsent() {
    return plaintext != null || tls.hasUnsent();
  }

  @Override
  public int unsentBytes() {
    ByteBuffer waiting = plaintext;
    return (waiting == null ? 0 : waiting.remaining()) + tls.unsentBytes();
  }

  /** See {@link TlsChannel#handshakeYielded()}. */
  boolean handshakeYielded() {
    return tls.handshakeYielded();
  }

  @Override
  public boolean hasBufferedInput() {
    return tls.hasBufferedInput();
  }

  @Override
  public void release() {
    tls.release();
  }

  @Override
  public int bufferBytes() {
    return tls.capacity();
  }

  @Override
  public boolean isOpen() {
    return raw.isOpen();
  }

  @Override
  public void close() throws IOException {
    tls.close();
  }

  @Override
  public void interest(int ops) {
    int needs = 0;
    if (hasUnsent()) {
      needs |= SelectionKey.OP_WRITE;
    }
    if (tls.handshakeWantsRead() && plaintext == null) {
      needs |= SelectionKey.OP_READ;
    }
    raw.interest(ops | needs);
  }

  @Override
  public void shutdownOutput() throws IOException {
    tls.closeOutbound();
    if (!tls.hasUnsent()) {
      raw.shutdownOutput();
    }
  }

  @Override
  public SocketAddress remoteAddress() {
    return raw.remoteAddress();
  }
}

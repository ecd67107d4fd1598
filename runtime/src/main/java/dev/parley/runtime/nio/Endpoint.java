package dev.parley.runtime.nio;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * What a connection of the event loop reads from and writes to: a non-blocking socket registered
 * with the loop's selector, or, in tests, bytes in memory. Reads and writes behave as a
 * non-blocking channel's do: they may take or give fewer bytes than asked, 0 when none can move.
 */
interface Endpoint extends ByteChannel {

  /** Asks to be told when the endpoint can be read ({@link SelectionKey#OP_READ}) or written ({@link SelectionKey#OP_WRITE}). */
  void interest(int ops);

  /** Says that this side will write no more (a FIN after what was written); reading goes on. */
  void shutdownOutput() throws IOException;

  /** The peer's address, or null when there is none. */
  SocketAddress remoteAddress();

  /**
   * Writes what the endpoint holds of its own (a TLS endpoint's wrapped records), as far as the
   * peer takes it.
   *
   * @return true when nothing is left
   */
  default boolean flushBuffered() throws IOException {
    return true;
  }

  /** Whether bytes the endpoint holds of its own wait to be written. */
  default boolean hasUnsent() {
    return false;
  }

  /** How many bytes the endpoint holds of its own that wait to be written. */
  default int unsentBytes() {
    return 0;
  }

  /** Whether bytes already read wait in the endpoint, which no readiness event will announce. */
  default boolean hasBufferedInput() {
    return false;
  }

  /** Gives back the buffers of its own that hold nothing, as the connection's do when quiet. */
  default void release() {
    // none
  }

  /** Bytes of buffers of its own held now. */
  default int bufferBytes() {
    return 0;
  }

  /** A socket channel and its selection key. */
  static Endpoint of(SocketChannel channel, SelectionKey key) {
    return new Endpoint() {
      @Override
      public int read(java.nio.ByteBuffer dst) throws IOException {
        return channel.read(dst);
      }

      @Override
      public int write(java.nio.ByteBuffer src) throws IOException {
        return channel.write(src);
      }

      @Override
      public boolean isOpen() {
        return channel.isOpen();
      }

      @Override
      public void close() throws IOException {
        // The socket first: if memory is short, closing what holds the descriptor matters most.
        try {
          channel.close();
        } finally {
          key.cancel();
        }
      }

      @Override
      public void interest(int ops) {
        if (key.isValid()) {
          key.interestOps(ops);
        }
      }

      @Override
      public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
      }

      @Override
      public SocketAddress remoteAddress() {
        try {
          return channel.getRemoteAddress();
        } catch (IOException e) {
          return null;
        }
      }
    };
  }
}

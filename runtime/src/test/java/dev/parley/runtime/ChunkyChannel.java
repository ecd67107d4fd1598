package dev.parley.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.SplittableRandom;

/**
 * A channel that takes and gives random small amounts: a write accepts 0 to a few bytes, a read
 * returns 0 to a few bytes of what it holds, then -1 at the end. What real sockets may do, at
 * its worst.
 */
final class ChunkyChannel implements ReadableByteChannel, WritableByteChannel {

  private final SplittableRandom rnd;
  private final int maxChunk;
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private byte[] toRead = new byte[0];
  private int readAt;

  ChunkyChannel(long seed, int maxChunk) {
    this.rnd = new SplittableRandom(seed);
    this.maxChunk = maxChunk;
  }

  void supply(byte[] bytes) {
    toRead = bytes;
    readAt = 0;
  }

  byte[] written() {
    return written.toByteArray();
  }

  @Override
  public int write(ByteBuffer src) {
    int n = Math.min(src.remaining(), rnd.nextInt(maxChunk + 1));
    for (int i = 0; i < n; i++) {
      written.write(src.get());
    }
    return n;
  }

  @Override
  public int read(ByteBuffer dst) {
    if (readAt == toRead.length) {
      return -1;
    }
    int n = Math.min(Math.min(dst.remaining(), toRead.length - readAt), rnd.nextInt(maxChunk + 1));
    dst.put(toRead, readAt, n);
    readAt += n;
    return n;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void close() {}
}

package dev.parley.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The ways a stream reaches a decoder, as Okio's tests split theirs: whole, a byte at a time, in
 * random pieces of heap or pooled direct memory, as composite buffers of many components (which
 * Netty's default cumulator gathers into one), and with the composite cumulator, under which a
 * frame may stay spread over components and is decoded from a copy.
 */
enum Chunking {
  ALL_AT_ONCE,
  ONE_BYTE_AT_A_TIME,
  RANDOM_HEAP,
  RANDOM_POOLED_DIRECT,
  COMPOSITE_BUFFERS,
  COMPOSITE_CUMULATOR;

  private static final ByteBufAllocator POOLED = PooledByteBufAllocator.DEFAULT;

  /** The cumulator a decoder gets under this chunking. */
  ByteToMessageDecoder.Cumulator cumulator() {
    return this == COMPOSITE_CUMULATOR ? ByteToMessageDecoder.COMPOSITE_CUMULATOR : ByteToMessageDecoder.MERGE_CUMULATOR;
  }

  /** {@code stream} as the buffers this chunking delivers it in; each one the receiver's to release. */
  List<ByteBuf> split(byte[] stream, RandomGenerator rnd) {
    List<ByteBuf> pieces = new ArrayList<>();
    int at = 0;
    while (at < stream.length) {
      int n = switch (this) {
        case ALL_AT_ONCE -> stream.length;
        case ONE_BYTE_AT_A_TIME -> 1;
        default -> 1 + rnd.nextInt(Math.min(stream.length - at, 1 + rnd.nextInt(64)));
      };
      n = Math.min(n, stream.length - at);
      pieces.add(piece(stream, at, n, rnd));
      at += n;
    }
    return pieces;
  }

  private ByteBuf piece(byte[] stream, int at, int n, RandomGenerator rnd) {
    switch (this) {
      case RANDOM_POOLED_DIRECT:
        return POOLED.directBuffer(n).writeBytes(stream, at, n);
      case COMPOSITE_BUFFERS:
      case COMPOSITE_CUMULATOR: {
        CompositeByteBuf composite = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        int done = 0;
        while (done < n) {
          int k = Math.min(n - done, 1 + rnd.nextInt(8));
          ByteBuf component = rnd.nextBoolean() ? Unpooled.buffer(k) : POOLED.directBuffer(k);
          composite.addComponent(true, component.writeBytes(stream, at + done, k));
          done += k;
        }
        return composite;
      }
      default:
        return Unpooled.buffer(n).writeBytes(stream, at, n);
    }
  }
}

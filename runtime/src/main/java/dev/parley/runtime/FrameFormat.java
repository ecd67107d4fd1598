package dev.parley.runtime;

import java.nio.ByteOrder;
import java.util.Objects;

/**
 * How frames are delimited on a stream: a length prefix of {@link #lengthSize()} bytes in
 * {@link #byteOrder()}, counting the body bytes after it, at most {@link #maxFrameLength()}.
 * Immutable. Built with {@link #builder()} so that later options (a header before the length, a
 * length that counts itself) can be added without breaking callers.
 */
public final class FrameFormat {

  /** The default maximum body length: 1 MiB. */
  public static final int DEFAULT_MAX_FRAME_LENGTH = 1 << 20;

  private static final FrameFormat DEFAULT = builder().build();

  private final int lengthSize;
  private final ByteOrder byteOrder;
  private final int maxFrameLength;

  private FrameFormat(Builder builder) {
    this.lengthSize = builder.lengthSize;
    this.byteOrder = builder.byteOrder;
    this.maxFrameLength = builder.maxFrameLength;
  }

  /** A u32 big-endian length prefix and bodies of at most 1 MiB. */
  public static FrameFormat defaults() {
    return DEFAULT;
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this format's settings. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.lengthSize = lengthSize;
    builder.byteOrder = byteOrder;
    builder.maxFrameLength = maxFrameLength;
    return builder;
  }

  /** Bytes of the length prefix: 2 or 4. */
  public int lengthSize() {
    return lengthSize;
  }

  /** The byte order of the length prefix and of every multi-byte field of the body. */
  public ByteOrder byteOrder() {
    return byteOrder;
  }

  /** The largest body a reader accepts; a longer frame is refused before anything is allocated. */
  public int maxFrameLength() {
    return maxFrameLength;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FrameFormat that
        && lengthSize == that.lengthSize
        && byteOrder.equals(that.byteOrder)
        && maxFrameLength == that.maxFrameLength;
  }

  @Override
  public int hashCode() {
    return Objects.hash(lengthSize, byteOrder, maxFrameLength);
  }

  @Override
  public String toString() {
    return "FrameFormat[length=u" + (lengthSize * 8) + ", " + byteOrder + ", max=" + maxFrameLength + "]";
  }

  /** Builds a {@link FrameFormat}; every setter checks its argument at once. */
  public static final class Builder {
    private int lengthSize = 4;
    private ByteOrder byteOrder = ByteOrder.BIG_ENDIAN;
    private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;

    private Builder() {}

    /** The width of the length prefix in bytes: 2 (u16) or 4 (u32). */
    public Builder lengthSize(int bytes) {
      if (bytes != 2 && bytes != 4) {
        throw new IllegalArgumentException("lengthSize must be 2 or 4: " + bytes);
      }
      this.lengthSize = bytes;
      return this;
    }

    public Builder byteOrder(ByteOrder order) {
      this.byteOrder = Objects.requireNonNull(order, "byteOrder");
      return this;
    }

    /** The largest body accepted, at least 1. */
    public Builder maxFrameLength(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxFrameLength must be positive: " + bytes);
      }
      this.maxFrameLength = bytes;
      return this;
    }

    /**
     * The format.
     *
     * @throws IllegalArgumentException if the maximum length does not fit the length prefix
     */
    public FrameFormat build() {
      if (lengthSize == 2 && maxFrameLength > 0xFFFF) {
        throw new IllegalArgumentException(
            "maxFrameLength " + maxFrameLength + " does not fit a u16 length prefix");
      }
      return new FrameFormat(this);
    }
  }
}

package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The options of a schema file, each with its default applied. They fix the frame format of every
 * message the file declares.
 *
 * @param javaPackage the Java package for generated code, when it differs from the schema package
 * @param byteOrder the order of every multi-byte integer and float: big-endian (network order)
 *     unless the file says {@code little_endian}
 * @param lengthPrefix the width of the frame length, which counts the bytes after it
 * @param typeId the width of the type id that starts every frame body
 * @param maxFrameLength the largest frame body a decoder accepts; longer frames are refused
 *     before anything is allocated
 */
public record FileOptions(
    Optional<String> javaPackage,
    ByteOrder byteOrder,
    PrefixWidth lengthPrefix,
    PrefixWidth typeId,
    long maxFrameLength) {

  /** {@code max_frame_length} when the file does not set it and its length prefix is u32: 1 MiB. */
  public static final long DEFAULT_MAX_FRAME_LENGTH = 1 << 20;

  public FileOptions {
    requireNonNull(javaPackage, "javaPackage");
    requireNonNull(byteOrder, "byteOrder");
    requireNonNull(lengthPrefix, "lengthPrefix");
    requireNonNull(typeId, "typeId");
  }

  /** The options of a file that sets none. */
  public static FileOptions defaults() {
    return new FileOptions(
        Optional.empty(), ByteOrder.BIG_ENDIAN, PrefixWidth.U32, PrefixWidth.U16,
        DEFAULT_MAX_FRAME_LENGTH);
  }
}

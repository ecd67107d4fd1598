package dev.parley.runtime;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The codec of a field type that the schema language cannot say, written by hand: a DNS name
 * with compression pointers, say, whose bytes may point back at a name earlier in the message.
 * The generated codec calls it where the field's bytes are, and treats what it reads and writes
 * as the field's value.
 *
 * <p>Both buffers are in the schema's byte order, and both belong to the generated codec: an
 * implementation reads or writes them only during the call, keeps no reference to them, and
 * returns a value that shares no bytes with them.
 *
 * <p>One instance serves every connection of the protocol, on whatever threads they run: an
 * implementation must be stateless, or safe for concurrent use.
 *
 * @param <T> the field's type; its values should be immutable, as a record's components are
 */
public interface ExternCodec<T> {

  /** The number of bytes {@link #write} writes for {@code value}, which {@link #check} accepted. */
  int size(T value);

  /**
   * Writes {@code value}, which {@link #check} accepted, at {@code out.position()}, and advances
   * the position by exactly {@link #size size(value)} bytes. The generated encoder has made sure
   * they fit.
   */
  void write(T value, ByteBuffer out);

  /**
   * Reads a value at {@code in.position()} and advances the position past the bytes the value
   * occupies there. Bytes elsewhere in the message that the value refers to, such as the target
   * of a DNS compression pointer, are read by absolute index and not consumed.
   *
   * <p>{@code origin} is the index in {@code in} of the first byte of the message body, from
   * which back-references such as DNS compression pointers count. Any index from 0 to
   * {@code in.limit()}, exclusive, may be read with absolute gets; nothing at or beyond
   * {@code in.limit()} may be read, nor may the limit be changed. When the position is moved on
   * by a successful read, it is at most {@code in.limit()}.
   *
   * @throws MalformedFrameException for bytes that hold no valid value (cut short by the limit, a
   *     pointer that loops or points outside the message), made with
   *     {@link MalformedFrameException#MalformedFrameException(String, String, long)}: a path
   *     within the value, usually empty, which the decoder puts the field's path in front of; the
   *     problem; and the index in {@code in} of the offending byte, which the decoder turns into
   *     an offset in the body. No other exception may escape for bad input.
   */
  T read(ByteBuffer in, int origin) throws MalformedFrameException;

  /**
   * The fewest bytes a value takes on the wire, at least 1. Generated decoders bound a count of
   * extern values by one byte each, the least any value takes (SPEC.md 13.13), whatever this says;
   * the default is that 1.
   */
  default int minimumSize() {
    return 1;
  }

  /**
   * Checks {@code value} when a record holding it is made: the record keeps the value it was
   * given, so values should be immutable. The default refuses null only.
   *
   * @throws NullPointerException if {@code value} is null, with {@code field} as message
   * @throws IllegalArgumentException for a value that {@link #write} could not write, naming
   *     {@code field}
   */
  default void check(T value, String field) {
    Objects.requireNonNull(value, field);
  }

  /**
   * A valid value, at random, for the generated generators that property tests and fuzzers drive
   * ({@code <File>Generators}); {@code size} (0 to 100) says how large. The default throws: a
   * codec without it cannot be used by the generators of the schemas that hold its type.
   *
   * @throws UnsupportedOperationException unless the codec gives random values
   */
  default T arbitrary(java.util.random.RandomGenerator random, int size) {
    throw new UnsupportedOperationException(getClass().getName() + " gives no random values");
  }
}

package dev.parley.spec.decode;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.parley.runtime.ExternCodec;
import dev.parley.spec.ExternType;
import dev.parley.spec.FileOptions;
import dev.parley.spec.FrameField;
import dev.parley.spec.FrameLayout;
import dev.parley.spec.MessageType;
import dev.parley.spec.SchemaFile;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Decodes frame bodies of one schema file's protocol by interpreting its model: no code is
 * generated or compiled. It reads exactly what the file's generated {@code Protocol.decode}
 * reads, accepts exactly what it accepts, and refuses the rest with the same message
 * ({@link DecodeException#bodyMessage()}): the type id, then the message's fields; a
 * {@code @since} field an older writer did not send takes its default; bytes after the last known
 * field are skipped, unless that field is a checksum, which nothing follows. Immutable and
 * thread-safe.
 */
public final class SchemaDecoder {

  private final SchemaFile file;
  private final ImmutableMap<Integer, MessageType> messages;
  private final Optional<MessageType> only;
  /** The codecs of extern types, made on first use from the class loader given; null for none. */
  private final java.util.function.Function<ExternType, ExternCodec<?>> codecs;

  private SchemaDecoder(SchemaFile file, Optional<MessageType> only,
      java.util.function.Function<ExternType, ExternCodec<?>> codecs) {
    this.file = file;
    this.codecs = codecs;
    ImmutableMap.Builder<Integer, MessageType> byId = ImmutableMap.builder();
    for (MessageType message : file.messages()) {
      byId.put(message.id(), message);
    }
    this.messages = byId.buildOrThrow();
    this.only = only;
  }

  /** A decoder for the frames of {@code file}: any of its messages, told apart by type id. */
  public static SchemaDecoder of(SchemaFile file) {
    return new SchemaDecoder(requireNonNull(file, "file"), Optional.empty(), null);
  }

  /**
   * A decoder that accepts only frames of {@code message}, one of this file's messages: a frame
   * with another type id is malformed.
   */
  public SchemaDecoder onlyMessage(MessageType message) {
    if (messages.get(message.id()) != message) {
      throw new IllegalArgumentException(message.qualifiedName() + " is not a message of " + file.path());
    }
    return new SchemaDecoder(file, Optional.of(message), codecs);
  }

  /**
   * The same decoder, reading the values of extern types (SPEC.md 13.13) with their codecs, which
   * it loads from {@code loader} by the names the schema gives and makes with their no-argument
   * constructors, once each. A codec that cannot be loaded or made leaves its fields unreadable,
   * as without a loader; the error of such a frame says which codec is missing.
   */
  public SchemaDecoder withCodecs(ClassLoader loader) {
    requireNonNull(loader, "loader");
    java.util.Map<ExternType, Optional<ExternCodec<?>>> made = new java.util.concurrent.ConcurrentHashMap<>();
    return new SchemaDecoder(file, only, type -> made.computeIfAbsent(type, t -> load(loader, t)).orElse(null));
  }

  private static Optional<ExternCodec<?>> load(ClassLoader loader, ExternType type) {
    try {
      Object codec = Class.forName(type.codec(), true, loader).getConstructor().newInstance();
      return codec instanceof ExternCodec<?> c ? Optional.of(c) : Optional.empty();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The schema file whose messages, options and frame format this decoder reads. */
  public SchemaFile file() {
    return file;
  }

  /** The file's options: its frame format (length prefix, byte order, maximum length) and type id width. */
  public FileOptions options() {
    return file.options();
  }

  /**
   * Decodes one frame body: the bytes of {@code body} from its position to its limit, which
   * it reads without moving either. Offsets in errors count from the body's first byte; the
   * stream offsets add the frame's length prefix to {@code frameOffset}.
   *
   * @param frameOffset where the frame (its length prefix) starts in the stream, for reporting
   * @throws DecodeException of kind {@link DecodeException.Kind#MALFORMED} if the body breaks any
   *     rule of the wire format
   */
  public DecodedFrame decodeBody(long frameOffset, ByteBuffer body) throws DecodeException {
    ByteBuffer in = body.slice().order(file.options().byteOrder());
    if (file.frame().isPresent()) {
      return decodeFrame(frameOffset, in, file.frame().get());
    }
    BodyReader reader = new BodyReader(in, frameOffset, file.options().lengthPrefix().size(), codecs);
    FieldPath typeIdPath = FieldPath.root("type_id");
    int typeId = (int) reader.typeId(file.options().typeId(), typeIdPath);
    MessageType message = messages.get(typeId);
    if (message == null) {
      throw reader.malformed(typeIdPath, "unknown type id " + typeId, 0);
    }
    if (only.isPresent() && message != only.get()) {
      throw reader.malformed(typeIdPath, "type id " + typeId + " is " + message.name() + ", not "
          + only.get().name(), 0);
    }
    reader.startMessage();
    return new DecodedFrame(frameOffset, in.limit(), message,
        reader.fields(message, FieldPath.root(message.name())), reader.remaining());
  }

  /**
   * A whole frame of a file that declares its frame: the header, checked as the generated decoder
   * checks it, then the message its type id names (or the file's one message).
   */
  private DecodedFrame decodeFrame(long frameOffset, ByteBuffer in, FrameLayout frame) throws DecodeException {
    BodyReader reader = new BodyReader(in, frameOffset, 0, codecs);
    ImmutableList<DecodedField> header = reader.header(frame, file.options().byteOrder());
    MessageType message;
    if (frame.typeId().isPresent()) {
      FrameField field = frame.typeId().get();
      long typeId = ((DecodedValue.IntValue) header.get(frame.fields().indexOf(field)).value()).value();
      FieldPath path = FieldPath.root(field.name());
      message = typeId == (int) typeId ? messages.get((int) typeId) : null;
      if (message == null) {
        throw reader.malformed(path, "unknown type id " + (int) typeId, frame.offset(field));
      }
      if (only.isPresent() && message != only.get()) {
        throw reader.malformed(path, "type id " + typeId + " is " + message.name() + ", not "
            + only.get().name(), frame.offset(field));
      }
    } else {
      message = file.messages().get(0);
    }
    for (FrameField size : file.headerSizes()) {
      long value = ((DecodedValue.IntValue) header.get(frame.fields().indexOf(size)).value()).value();
      if (SchemaFile.sizedBy(message, size).isEmpty()) {
        try {
          dev.parley.runtime.internal.Wire.constant(value, 0, "", frame.offset(size));
        } catch (dev.parley.runtime.MalformedFrameException e) {
          throw reader.malformed(FieldPath.root(size.name()), e.problem(), e.offset());
        }
      }
    }
    reader.startMessage();
    return new DecodedFrame(frameOffset, in.limit(), message,
        reader.fields(message, FieldPath.root(message.name())), reader.remaining(), header);
  }
}

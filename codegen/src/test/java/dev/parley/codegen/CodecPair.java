package dev.parley.codegen;

import static dev.parley.codegen.CrossVersionValues.assertDefault;
import static dev.parley.codegen.CrossVersionValues.assertSameValue;
import static dev.parley.codegen.CrossVersionValues.component;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.common.collect.ImmutableList;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import dev.parley.spec.Field;
import dev.parley.spec.FileOptions;
import dev.parley.spec.MessageType;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The generated codecs of two versions of a one-file schema, an old and a new one, exchanging
 * random messages both ways: what each side reads must be what the other wrote, as SPEC.md 8.11
 * says for versions that {@code parley compat} calls compatible.
 */
final class CodecPair {

  /** One version: its schema, whose single file is given a Java package of its own. */
  record Version(Schema schema, SchemaFile file) {

    /** {@code loaded} with its file's Java package set to {@code javaPackage}, and nothing else changed. */
    static Version of(Schema loaded, String javaPackage) {
      SchemaFile file = loaded.files().get(0);
      FileOptions options = file.options();
      SchemaFile moved = new SchemaFile(file.path(), file.packageName(),
          new FileOptions(Optional.of(javaPackage), options.byteOrder(), options.lengthPrefix(), options.typeId(),
              options.maxFrameLength()),
          file.frame(), file.imports(), file.declarations(), file.location(), file.optionLocations());
      return new Version(new Schema(ImmutableList.of(moved)), moved);
    }

    Optional<MessageType> message(String name) {
      return file.declaration(name).filter(MessageType.class::isInstance).map(MessageType.class::cast);
    }
  }

  /** How often each outcome was seen, to show that a run tested something. */
  static final class Tally {
    int oldToNew;
    int defaulted;
    int newToOld;
    int skipped;
    int newMessagesRefused;
    int newValuesRefused;

    @Override
    public String toString() {
      return "old to new " + oldToNew + " (" + defaulted + " fields defaulted), new to old " + newToOld + " ("
          + skipped + " with bytes skipped), refused by the old reader: " + newMessagesRefused
          + " new messages, " + newValuesRefused + " new enum constants or flag bits";
    }
  }

  private final Version old;
  private final Version evolved;
  private final Codec oldCodec;
  private final Codec newCodec;
  private final Tally tally;

  /** The pair of {@code old} and {@code evolved}, whose generated classes {@code loader} loads. */
  CodecPair(ClassLoader loader, Version old, Version evolved, Tally tally) throws ReflectiveOperationException {
    this.old = old;
    this.evolved = evolved;
    this.oldCodec = Codec.of(loader, old.file());
    this.newCodec = Codec.of(loader, evolved.file());
    this.tally = tally;
  }

  /**
   * Sends a message of every old type from old to new, then {@code values} random messages each
   * way, growing from size 0 to 100.
   *
   * @throws AssertionError at the first message that one side does not read as the other wrote it
   */
  void exchange(RandomGenerator rnd, int values) {
    for (MessageType type : old.file().messages()) {
      oldToNew(oldCodec.randomMessage(type, rnd, 10));
    }
    for (int i = 0; i < values; i++) {
      int size = values == 1 ? 100 : (int) (100L * i / (values - 1));
      oldToNew(oldCodec.randomMessage(rnd, size));
      newToOld(newCodec.randomMessage(rnd, size));
    }
  }

  /**
   * An old writer's message read by a new reader: the old fields keep their values, the added ones
   * take their defaults; written again by the new writer, it starts with the old bytes and reads
   * back in the old reader as it was sent.
   */
  private void oldToNew(Object sent) {
    String name = sent.getClass().getSimpleName();
    byte[] body = oldCodec.body(sent);
    Object read = newCodec.decode(body, () -> "a new reader refuses " + sent);
    assertEquals(name, read.getClass().getSimpleName(), "the message a new reader reads");
    MessageType before = old.message(name).orElseThrow();
    MessageType after = evolved.message(name).orElseThrow(() -> new AssertionError("message " + name + " is gone"));
    for (Field field : before.fields()) {
      assertTrue(field(after, field.name()).isPresent(), () -> "field " + field.name() + " of " + name + " is gone");
    }
    for (Field field : after.fields()) {
      String path = name + "." + field.name();
      Optional<Field> known = field(before, field.name());
      if (known.isPresent()) {
        assertSameValue(component(sent, known.get()), component(read, field), path);
      } else {
        assertDefault(field, component(read, field), path);
        tally.defaulted++;
      }
    }
    byte[] again = newCodec.body(read);
    assertArrayEquals(body, Arrays.copyOf(again, body.length), () -> "the new writer's bytes of " + read);
    assertEquals(sent, oldCodec.decode(again, () -> "an old reader refuses " + read));
    tally.oldToNew++;
  }

  /**
   * A new writer's message read by an old reader: a message the old version has is read as its
   * old fields, the bytes after them skipped; a new message, or one that carries an enum constant
   * or flag bit the old version lacks, is refused.
   */
  private void newToOld(Object sent) {
    String name = sent.getClass().getSimpleName();
    byte[] body = newCodec.body(sent);
    Optional<MessageType> known = old.message(name);
    if (known.isEmpty()) {
      ProtocolException e = assertThrows(ProtocolException.class, () -> oldCodec.protocol().decode(ByteBuffer.wrap(body)),
          () -> "an old reader accepts new message " + sent);
      assertTrue(e.getMessage().contains("unknown type id"), e::getMessage);
      tally.newMessagesRefused++;
      return;
    }
    List<Field> fields = known.get().fields();
    if (!fields.stream().allMatch(f -> CrossVersionValues.isReadable(f, component(sent, f)))) {
      ProtocolException e = assertThrows(ProtocolException.class, () -> oldCodec.protocol().decode(ByteBuffer.wrap(body)),
          () -> "an old reader accepts a new enum constant or flag bit in " + sent);
      assertTrue(e.getMessage().contains("undeclared"), e::getMessage);
      tally.newValuesRefused++;
      return;
    }
    Object read = oldCodec.decode(body, () -> "an old reader refuses " + sent);
    assertEquals(name, read.getClass().getSimpleName(), "the message an old reader reads");
    for (Field field : fields) {
      assertSameValue(component(sent, field), component(read, field), name + "." + field.name());
    }
    byte[] own = oldCodec.body(read);
    assertArrayEquals(own, Arrays.copyOf(body, own.length), () -> "the old writer's bytes of " + read);
    tally.newToOld++;
    tally.skipped += body.length > own.length ? 1 : 0;
  }

  private static Optional<Field> field(MessageType message, String name) {
    return message.fields().stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /** The generated protocol and generators of one version, loaded from the compiled classes. */
  private record Codec(Protocol<Object> protocol, Class<?> generators, Method random) {

    @SuppressWarnings("unchecked")
    static Codec of(ClassLoader loader, SchemaFile file) throws ReflectiveOperationException {
      Class<?> generators = loader.loadClass(GeneratorsGenerator.generatorsClass(file).reflectionName());
      Object protocol = loader.loadClass(JavaTypes.protocolClass(file).reflectionName()).getField("INSTANCE").get(null);
      return new Codec((Protocol<Object>) protocol, generators,
          generators.getMethod("random" + JavaTypes.messageInterface(file).simpleName(), RandomGenerator.class,
              int.class));
    }

    /** A random message of any type. */
    Object randomMessage(RandomGenerator rnd, int size) {
      return invoke(random, rnd, size);
    }

    /** A random message of {@code type}. */
    Object randomMessage(MessageType type, RandomGenerator rnd, int size) {
      try {
        return invoke(generators.getMethod("random" + type.name(), RandomGenerator.class, int.class), rnd, size);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(e);
      }
    }

    private static Object invoke(Method method, RandomGenerator rnd, int size) {
      try {
        return method.invoke(null, rnd, size);
      } catch (InvocationTargetException e) {
        throw new IllegalStateException(e.getCause());
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }

    byte[] body(Object message) {
      ByteBuffer body = ByteBuffer.allocate(protocol.encodedSize(message));
      protocol.encode(message, body);
      assertEquals(body.capacity(), body.position(), () -> "encodedSize of " + message);
      return body.array();
    }

    /** The message of {@code body}, which must be read to its end; a ProtocolException fails with {@code what}. */
    Object decode(byte[] body, Supplier<String> what) {
      ByteBuffer buffer = ByteBuffer.wrap(body);
      try {
        Object message = protocol.decode(buffer);
        assertEquals(body.length, buffer.position(), "a reader leaves the body at its end");
        return message;
      } catch (ProtocolException e) {
        return fail(what.get() + ": " + e.getMessage(), e);
      }
    }
  }
}

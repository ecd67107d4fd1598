package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.FrameReader;
import dev.parley.runtime.FrameTooLongException;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import dev.parley.runtime.TruncatedFrameException;
import dev.parley.spec.Composite;
import dev.parley.spec.Field;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.Schema;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.decode.CaptureReader;
import dev.parley.spec.decode.DecodeException;
import dev.parley.spec.decode.DecodedField;
import dev.parley.spec.decode.DecodedFrame;
import dev.parley.spec.decode.DecodedValue;
import dev.parley.spec.decode.SchemaDecoder;
import dev.parley.testing.Property;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The schema interpreter ({@code dev.parley.spec.decode}, behind {@code parley decode}) agrees with
 * the generated decoders on every test schema: seeded random messages from the generated
 * generators, encoded by the generated protocol, decode to the same values (walked record
 * component by record component); corrupted frames are accepted by the interpreter exactly when
 * the generated reader and decoder accept them, and refused with the same path, problem and
 * offset; evolved frames read across versions the same way. Failures print the seed
 * ({@code -Dparley.seed=N} replays); {@code -Dparley.values=N} sets the values per property.
 */
class InterpreterAgreementTest {

  private static final String[] SCHEMAS = {
    "demo.parley", "tiny.parley", "edges.parley", "clashes.parley",
    "evolution/v1/profile.parley", "evolution/v2/profile.parley"
  };

  private static final Schema SCHEMA = TestSchemas.load(SCHEMAS);
  private static final ClassLoader LOADER = compile();

  private static ClassLoader compile() {
    try {
      return GeneratedCodeTest.compileSchemas(Files.createTempDirectory("parley-agreement"), List.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One schema file: its generated protocol and generators, and its interpreter. */
  private record Subject(String name, Protocol<Object> protocol, Method random, Method corrupt,
      SchemaDecoder interpreter) {

    @SuppressWarnings("unchecked")
    static Subject of(SchemaFile file) throws ReflectiveOperationException {
      Class<?> generators = LOADER.loadClass(GeneratorsGenerator.generatorsClass(file).reflectionName());
      Protocol<Object> protocol = (Protocol<Object>) LOADER.loadClass(
          JavaTypes.protocolClass(file).reflectionName()).getField("INSTANCE").get(null);
      String name = TestSchemas.resources().resolve("schemas").relativize(file.path()).toString();
      return new Subject(name, protocol,
          generators.getMethod("random" + JavaTypes.messageInterface(file).simpleName(), RandomGenerator.class,
              int.class),
          generators.getMethod("corruptFrame", RandomGenerator.class, int.class),
          SchemaDecoder.of(file));
    }

    Object randomMessage(RandomGenerator rnd, int size) {
      return call(random, rnd, size);
    }

    byte[] corruptFrame(RandomGenerator rnd, int size) {
      return (byte[]) call(corrupt, rnd, size);
    }

    byte[] body(Object message) {
      ByteBuffer body = ByteBuffer.allocate(protocol.encodedSize(message));
      protocol.encode(message, body);
      return body.array();
    }

    /** The frame of {@code message}: length prefix in the frame format's order, then the body. */
    byte[] frame(Object message) {
      byte[] body = body(message);
      ByteBuffer frame = ByteBuffer.allocate(protocol.frameFormat().lengthSize() + body.length)
          .order(protocol.frameFormat().byteOrder());
      if (protocol.frameFormat().lengthSize() == 2) {
        frame.putShort((short) body.length);
      } else {
        frame.putInt(body.length);
      }
      return frame.put(body).array();
    }
  }

  private static Object call(Method method, Object... arguments) {
    try {
      return method.invoke(null, arguments);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Subject> subjects() throws ReflectiveOperationException {
    List<Subject> subjects = new ArrayList<>();
    for (SchemaFile file : SCHEMA.files()) {
      if (!file.messages().isEmpty()) {
        subjects.add(Subject.of(file));
      }
    }
    assertEquals(SCHEMAS.length, subjects.size());
    return subjects;
  }

  @TestFactory
  Stream<DynamicTest> randomMessagesDecodeToTheValuesOfTheirRecords() throws ReflectiveOperationException {
    return subjects().stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> Property.forAll(
        s.name() + ": a stream of random messages", (rnd, size) -> {
          List<Object> messages = new ArrayList<>();
          for (int i = 0, n = 1 + rnd.nextInt(6); i < n; i++) {
            messages.add(s.randomMessage(rnd, size / 2));
          }
          return messages;
        }).check(messages -> {
          ByteArrayOutputStream stream = new ByteArrayOutputStream();
          for (Object message : messages) {
            stream.writeBytes(s.frame(message));
          }
          CaptureReader reader = new CaptureReader(s.interpreter(), new ByteArrayInputStream(stream.toByteArray()));
          long offset = 0;
          for (Object message : messages) {
            DecodedFrame frame = reader.next().orElseThrow();
            assertEquals(offset, frame.offset());
            assertEquals(s.protocol().encodedSize(message), frame.length());
            assertEquals(0, frame.skippedBytes());
            assertAgrees(message, frame, s.name() + ", frame at offset " + offset);
            offset += s.protocol().frameFormat().lengthSize() + frame.length();
          }
          assertEquals(Optional.empty(), reader.next());
        })));
  }

  @TestFactory
  Stream<DynamicTest> corruptedFramesAreAcceptedExactlyWhenTheGeneratedDecoderAcceptsThem()
      throws ReflectiveOperationException {
    return subjects().stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
      int[] outcomes = new int[2];
      Property.forAll(s.name() + ": corrupted frames", s::corruptFrame).values(1000).check(frame -> {
        Object generated = generatedOutcome(s.protocol(), frame);
        Object interpreted = interpretedOutcome(s.interpreter(), frame);
        assertSameOutcome(generated, interpreted, s.name() + ", a corrupted frame");
        outcomes[generated instanceof ProtocolException ? 1 : 0]++;
      });
      assertTrue(outcomes[0] > 0 && outcomes[1] > 0, () -> "accepted, refused: " + outcomes[0] + ", " + outcomes[1]);
    }));
  }

  @TestFactory
  Stream<DynamicTest> evolvedFramesReadAcrossVersionsAsTheGeneratedDecodersReadThem()
      throws ReflectiveOperationException {
    List<Subject> subjects = subjects();
    Subject v1 = subjects.stream().filter(s -> s.name().contains("v1")).findFirst().orElseThrow();
    Subject v2 = subjects.stream().filter(s -> s.name().contains("v2")).findFirst().orElseThrow();
    return Stream.of(List.of(v1, v2), List.of(v2, v1)).map(pair -> {
      Subject writer = pair.get(0);
      Subject reader = pair.get(1);
      String name = writer.name() + " read as " + reader.name();
      return DynamicTest.dynamicTest(name, () -> Property.forAll(name, writer::randomMessage).check(message -> {
        byte[] body = writer.body(message);
        Object generated = reader.protocol().decode(ByteBuffer.wrap(body));
        DecodedFrame frame = reader.interpreter().decodeBody(0, ByteBuffer.wrap(body));
        assertAgrees(generated, frame, name);
        assertEquals(Math.max(0, body.length - reader.protocol().encodedSize(generated)), frame.skippedBytes());
      }));
    });
  }

  /** The decoded message, or the ProtocolException, of the generated frame reader and decoder. */
  static Object generatedOutcome(Protocol<Object> protocol, byte[] frame) {
    FrameReader reader = new FrameReader(protocol.frameFormat(), 256);
    try {
      ByteBuffer chunk = ByteBuffer.wrap(frame);
      while (chunk.hasRemaining() && reader.feed(chunk) > 0) {
        // the reader takes what fits; one frame at most here
      }
      ByteBuffer body = reader.nextFrame();
      if (body == null) {
        reader.endOfStream();
        throw new AssertionError("a corrupted frame that is no frame at all");
      }
      return protocol.decode(body);
    } catch (ProtocolException e) {
      return e;
    }
  }

  /** The decoded frame, or the DecodeException, of the interpreter. */
  static Object interpretedOutcome(SchemaDecoder interpreter, byte[] frame) throws IOException {
    try {
      DecodedFrame decoded = new CaptureReader(interpreter, new ByteArrayInputStream(frame)).next().orElseThrow();
      return decoded;
    } catch (DecodeException e) {
      return e;
    }
  }

  /** Both decoders accepted the frame alike, or refused it alike; failures name {@code where}. */
  static void assertSameOutcome(Object generated, Object interpreted, String where) {
    if (generated instanceof MalformedFrameException g && interpreted instanceof DecodeException i
        && i.kind() == DecodeException.Kind.MALFORMED) {
      assertEquals(g.getMessage(), i.bodyMessage(), where);
      assertEquals(g.path(), i.path(), where);
      assertEquals(g.offset(), i.bodyOffset(), where);
    } else if (generated instanceof FrameTooLongException g && interpreted instanceof DecodeException i
        && i.kind() == DecodeException.Kind.TOO_LONG) {
      assertEquals(g.length(), i.frameLength(), where);
      assertEquals(g.offset(), i.frameOffset(), where);
    } else if (generated instanceof TruncatedFrameException g && interpreted instanceof DecodeException i
        && i.kind() == DecodeException.Kind.TRUNCATED) {
      assertEquals(g.missing(), i.missing(), where);
      assertEquals(g.offset(), i.frameOffset(), where);
    } else if (!(generated instanceof ProtocolException) && interpreted instanceof DecodedFrame frame) {
      assertAgrees(generated, frame, where);
    } else {
      throw new AssertionError(where + ": generated decoder: " + generated + "\ninterpreter: " + interpreted);
    }
  }

  /**
   * The frame is the message: same type, and every field agrees with its record component.
   * Failures name {@code where} (the schema and the frame) and the field's path.
   */
  static void assertAgrees(Object message, DecodedFrame frame, String where) {
    assertEquals(message.getClass().getSimpleName(), frame.message().name(), where);
    assertFields(message, frame.message(), frame.fields(), where + ": " + frame.message().name());
  }

  /**
   * The decoded fields of {@code composite} are the record's components, in order. A field that
   * holds the size of a later one ({@code u8 key_length; string<key_length> key;}) is no
   * component: the interpreter shows it, and its value must be the size of what it sizes.
   */
  static void assertFields(Object record, Composite composite, List<DecodedField> decoded, String path) {
    List<DecodedField> fields = new ArrayList<>();
    for (DecodedField field : decoded) {
      Optional<Field> sized = composite.sized(field.field());
      if (sized.isEmpty() && composite.selected(field.field()).isPresent()) {
        continue; // a union's selector: the record holds the case it chose
      }
      if (field.field().type() instanceof dev.parley.spec.ChecksumType) {
        continue; // the encoder computes it, and the decoder has checked it
      }
      if (sized.isEmpty()) {
        fields.add(field);
        continue;
      }
      DecodedValue of = decoded.stream().filter(f -> f.field().equals(sized.get())).findFirst()
          .orElseThrow(() -> new AssertionError(path + ": no " + sized.get().name() + " after its size"))
          .value();
      if (of instanceof DecodedValue.StructValue) {
        continue; // a struct or union inside a length: its size is its encoding's
      }
      long size = of instanceof DecodedValue.StringValue s ? s.value().getBytes(StandardCharsets.UTF_8).length
          : of instanceof DecodedValue.BytesValue b ? b.size()
          : ((DecodedValue.ListValue) of).elements().size();
      assertEquals(size, ((DecodedValue.IntValue) field.value()).value(),
          path + "." + field.name() + ", the size of " + sized.get().name());
    }
    RecordComponent[] components = record.getClass().getRecordComponents();
    assertEquals(components.length, fields.size(), path);
    for (int i = 0; i < components.length; i++) {
      DecodedField field = fields.get(i);
      assertEquals(RecordGenerator.javaName(field.field()), components[i].getName(), path);
      Object value;
      try {
        value = components[i].getAccessor().invoke(record);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      assertValue(value, field.value(), path + "." + field.name());
    }
  }

  private static void assertValue(Object java, DecodedValue decoded, String path) {
    if (decoded instanceof DecodedValue.IntValue i) {
      assertEquals(((Number) java).longValue(), i.value(), path);
    } else if (decoded instanceof DecodedValue.FloatValue f) {
      // Bits, not values: NaN equals NaN, and -0.0 differs from 0.0.
      assertEquals(Double.doubleToLongBits(((Number) java).doubleValue()), Double.doubleToLongBits(f.value()), path);
    } else if (decoded instanceof DecodedValue.BoolValue b) {
      assertEquals(java, b.value(), path);
    } else if (decoded instanceof DecodedValue.StringValue s) {
      assertEquals(java, s.value(), path);
    } else if (decoded instanceof DecodedValue.BytesValue b) {
      assertArrayEquals(((Bytes) java).toByteArray(), b.bytes(), path);
    } else if (decoded instanceof DecodedValue.EnumValue e) {
      assertEquals(((Enum<?>) java).name(), e.constant().name(), path);
    } else if (decoded instanceof DecodedValue.FlagsValue f) {
      assertEquals(((Set<?>) java).stream().map(bit -> ((Enum<?>) bit).name()).toList(),
          f.set().stream().map(bit -> bit.name()).toList(), path);
    } else if (decoded instanceof DecodedValue.OptionalValue o) {
      Optional<?> optional = (Optional<?>) java;
      assertEquals(optional.isPresent(), o.value().isPresent(), path);
      optional.ifPresent(value -> assertValue(value, o.value().orElseThrow(), path));
    } else if (decoded instanceof DecodedValue.ListValue l) {
      List<?> list = (List<?>) java;
      assertEquals(list.size(), l.elements().size(), path);
      for (int i = 0; i < list.size(); i++) {
        assertValue(list.get(i), l.elements().get(i), path + "[" + i + "]");
      }
    } else if (decoded instanceof DecodedValue.ExternValue x) {
      assertEquals(x.value(), java, path);
    } else {
      assertFalse(java == null, path);
      DecodedValue.StructValue struct = (DecodedValue.StructValue) decoded;
      if (struct.type() instanceof Composite composite) {
        assertFields(java, composite, struct.fields(), path);
        return;
      }
      // A bits value, or a union's default case: a record of exactly the fields shown.
      RecordComponent[] components = java.getClass().getRecordComponents();
      assertEquals(components.length, struct.fields().size(), path);
      for (int i = 0; i < components.length; i++) {
        Object value;
        try {
          value = components[i].getAccessor().invoke(java);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
        assertValue(value, struct.fields().get(i).value(), path + "." + components[i].getName());
      }
    }
  }

  /**
   * evolution/v2's Defaults, read from a v1 body that lacks its {@code @since(2)} fields: the
   * interpreter gives the generated decoder's defaults, and those are right. {@code huge} is a u64
   * above Long.MAX_VALUE; {@code whole} is 2^60 + 2^36 + 1 given to an f32, which SPEC.md 5.6 takes
   * as the nearest double (2^60 + 2^36, a tie) and then as the nearest float, 2^60 (rounded
   * straight to float it would be 2^60 + 2^37).
   */
  @Test
  void defaultsAnOlderWriterLeftOutAreTheGeneratedDecodersDefaults() throws Exception {
    Subject v2 = subjects().stream().filter(s -> s.name().contains("v2")).findFirst().orElseThrow();
    byte[] v1Body = {0, 3, 5}; // evolution.v1.Defaults: type id 3, x = 5
    Object generated = v2.protocol().decode(ByteBuffer.wrap(v1Body));
    DecodedFrame frame = v2.interpreter().decodeBody(0, ByteBuffer.wrap(v1Body));
    assertAgrees(generated, frame, "v1 Defaults read as v2");
    assertEquals(List.of("x", "huge", "whole"), frame.fields().stream().map(DecodedField::name).toList());
    assertEquals(new DecodedValue.IntValue(PrimitiveType.U64, -1L), frame.fields().get(1).value());
    assertEquals(new DecodedValue.FloatValue(PrimitiveType.F32, 0x1p60), frame.fields().get(2).value());
    assertTrue(frame.fields().get(1).defaulted() && frame.fields().get(2).defaulted());
  }
}

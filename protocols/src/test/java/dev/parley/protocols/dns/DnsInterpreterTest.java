package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.ProtocolException;
import dev.parley.spec.LoadResult;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.SchemaLoader;
import dev.parley.spec.decode.CaptureReader;
import dev.parley.spec.decode.DecodeException;
import dev.parley.spec.decode.DecodedField;
import dev.parley.spec.decode.DecodedFrame;
import dev.parley.spec.decode.DecodedValue;
import dev.parley.spec.decode.SchemaDecoder;
import dev.parley.testing.Property;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The interpreter behind {@code parley decode} reads {@code dns.parley} with {@link DnsNameCodec}
 * loaded from the class path: every captured frame decodes, its names resolved and its rdlength
 * fields as the wire holds them; without the codec, a frame's error names the codec it needs.
 */
class DnsInterpreterTest {

  static final SchemaFile FILE = load();

  private static SchemaFile load() {
    LoadResult result = SchemaLoader.create().load(List.of(Path.of("src/main/parley/dns.parley")));
    assertTrue(!result.hasErrors(), result::format);
    return result.schemaOrThrow().files().get(0);
  }

  private final SchemaDecoder decoder = SchemaDecoder.of(FILE).withCodecs(getClass().getClassLoader());

  private static DecodedValue field(List<DecodedField> fields, String name) {
    return fields.stream().filter(f -> f.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no field " + name + " in " + fields)).value();
  }

  private static DecodedValue field(DecodedValue struct, String name) {
    return field(assertInstanceOf(DecodedValue.StructValue.class, struct).fields(), name);
  }

  private static List<DecodedValue> list(DecodedValue value) {
    return assertInstanceOf(DecodedValue.ListValue.class, value).elements();
  }

  private static Object extern(DecodedValue value) {
    return assertInstanceOf(DecodedValue.ExternValue.class, value).value();
  }

  private static long integer(DecodedValue value) {
    return assertInstanceOf(DecodedValue.IntValue.class, value).value();
  }

  @Test
  void decodesEveryCapturedFrameWithTheCodecFromTheClassPath() throws Exception {
    for (Capture c : DnsCapturesTest.CAPTURES) {
      CaptureDescription d = CaptureDescription.parse(c.description());
      DecodedFrame frame = decoder.decodeBody(0, ByteBuffer.wrap(c.frame()));
      assertEquals("Message", frame.message().name(), c.toString());
      assertEquals(0, frame.skippedBytes(), c.toString());
      assertEquals((long) d.id(), integer(field(frame.fields(), "id")), c.toString());
      List<DecodedValue> questions = list(field(frame.fields(), "questions"));
      assertEquals(d.questions().size(), questions.size());
      for (int i = 0; i < questions.size(); i++) {
        assertEquals(DnsName.parse(d.questions().get(i).name()), extern(field(questions.get(i), "name")), c.toString());
      }
      List<DecodedValue> records = new java.util.ArrayList<>();
      for (String section : List.of("answers", "authorities", "additionals")) {
        records.addAll(list(field(frame.fields(), section)));
      }
      assertEquals(d.records().size(), records.size(), c.toString());
      for (int i = 0; i < records.size(); i++) {
        CaptureDescription.RecordLine expected = d.records().get(i);
        assertEquals(DnsName.parse(expected.name()), extern(field(records.get(i), "name")), c + " record " + i);
        assertEquals(expected.rdlength(), integer(field(records.get(i), "rdlength")), c + " record " + i);
        assertEquals(expected.ttl(), integer(field(records.get(i), "ttl")), c + " record " + i);
      }
    }
  }

  @Test
  void readsTheWholeConnectionAsParleyDecodeDoes() throws Exception {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    DnsCapturesTest.CAPTURES.forEach(c -> stream.writeBytes(c.frame()));
    CaptureReader reader = new CaptureReader(decoder, new ByteArrayInputStream(stream.toByteArray()));
    long offset = 0;
    for (Capture c : DnsCapturesTest.CAPTURES) {
      DecodedFrame frame = reader.next().orElseThrow();
      assertEquals(offset, frame.offset(), c.toString());
      assertEquals(c.frame().length, frame.length(), c.toString());
      offset += c.frame().length;
    }
    assertEquals(Optional.empty(), reader.next());
  }

  @Test
  void withoutTheCodecAFrameWithANameIsRefusedNamingTheCodec() {
    SchemaDecoder without = SchemaDecoder.of(FILE);
    for (Capture c : DnsCapturesTest.CAPTURES) {
      DecodeException e = assertThrows(DecodeException.class, () -> without.decodeBody(0, ByteBuffer.wrap(c.frame())));
      assertEquals(DecodeException.Kind.MALFORMED, e.kind(), c.toString());
      assertTrue(e.getMessage().contains("dev.parley.protocols.dns.DnsNameCodec"), e.getMessage());
      assertEquals("Message.questions[0].name", e.path(), c.toString());
    }
  }

  @Test
  void agreesWithTheGeneratedDecoderOnRandomAndCorruptedFrames() {
    Property.forAll("random and corrupted frames, both decoders", (rnd, size) -> switch (rnd.nextInt(3)) {
      case 0 -> DnsCapturesTest.encode(DnsPropertyTest.randomMessage(rnd, size));
      case 1 -> CompressingEncoder.frame(DnsPropertyTest.randomMessage(rnd, size));
      default -> DnsGenerators.corruptFrame(rnd, size);
    }).values(500).check(frame -> {
      Object generated;
      try {
        generated = DnsProtocol.INSTANCE.decode(ByteBuffer.wrap(frame));
      } catch (ProtocolException e) {
        generated = e;
      }
      Object interpreted;
      try {
        interpreted = decoder.decodeBody(0, ByteBuffer.wrap(frame));
      } catch (DecodeException e) {
        interpreted = e;
      }
      if (generated instanceof ProtocolException g) {
        DecodeException i = assertInstanceOf(DecodeException.class, interpreted, () -> "only the generated decoder"
            + " refuses it: " + g.getMessage());
        if (g instanceof dev.parley.runtime.MalformedFrameException m) {
          assertEquals(m.path(), i.path(), i.getMessage());
          assertEquals(m.problem(), i.problem(), i.getMessage());
        }
      } else {
        assertInstanceOf(DecodedFrame.class, interpreted, "only the interpreter refuses it");
      }
    });
  }
}

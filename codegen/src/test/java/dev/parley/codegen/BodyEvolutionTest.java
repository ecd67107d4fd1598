package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.Bytes;
import dev.parley.runtime.ProtocolException;
import dev.parley.runtime.Protocol;
import dev.parley.spec.Schema;
import dev.parley.spec.compat.CompatChecker;
import dev.parley.spec.compat.CompatReport;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parley compat}'s verdict on an edit of a body construct holds for the codecs generated
 * for the two versions: where it finds no error, a frame one version writes is read by the other
 * as the same value (a union case an old reader lacks, as its default's bytes); where it finds an
 * error, the other version reads another value or refuses the frame.
 */
class BodyEvolutionTest {

  @TempDir
  Path dir;

  /** One version of a schema: its model and its generated, compiled codecs. */
  private record Version(Schema schema, ClassLoader loader, String javaPackage) {

    @SuppressWarnings("unchecked")
    Protocol<Object> protocol() throws ReflectiveOperationException {
      return (Protocol<Object>) loader.loadClass(javaPackage + ".EvoProtocol").getField("INSTANCE").get(null);
    }

    Object make(String simpleName, Object... components) throws ReflectiveOperationException {
      Class<?> type = loader.loadClass(javaPackage + "." + simpleName);
      Class<?>[] parameters = Stream.of(type.getRecordComponents()).map(RecordComponent::getType)
          .toArray(Class<?>[]::new);
      return type.getDeclaredConstructor(parameters).newInstance(components);
    }

    byte[] encode(Object message) throws ReflectiveOperationException {
      Protocol<Object> protocol = protocol();
      ByteBuffer body = ByteBuffer.allocate(protocol.encodedSize(message));
      protocol.encode(message, body);
      return body.array();
    }

    Object decode(byte[] body) throws ReflectiveOperationException, ProtocolException {
      return protocol().decode(ByteBuffer.wrap(body));
    }
  }

  private Version version(String name, String text) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    Path file = folder.resolve("evo.parley");
    String javaPackage = "evo." + name;
    Files.writeString(file, "package evo;\noption java_package = \"" + javaPackage + "\";\n" + text);
    Schema schema = TestSchemas.load(file);
    return new Version(schema, TestSchemas.compile(schema, "parley-evo-" + name), javaPackage);
  }

  private static CompatReport compare(Version old, Version evolved) {
    return CompatChecker.compare(old.schema(), evolved.schema());
  }

  /** The components of a generated record, as text: values compared across two versions' classes. */
  private static String components(Object record) throws ReflectiveOperationException {
    StringBuilder out = new StringBuilder();
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      Object value = c.getAccessor().invoke(record);
      out.append(c.getName()).append('=').append(value instanceof Record r ? components(r) : String.valueOf(value))
          .append(';');
    }
    return out.toString();
  }

  @Test
  void aCaseAddedUnderADefaultIsReadByAnOldReaderAsTheDefaultsBytes() throws Exception {
    String common = "struct A { u8 x; } struct B { u16 y; } ";
    Version old = version("v1", common + "union U : u8 { 1 = A; default = bytes; } message M = 1 { u8 k; U<k> u; }");
    Version evolved = version("v2", common
        + "union U : u8 { 1 = A; 2 = B; default = bytes; } message M = 1 { u8 k; U<k> u; }");
    CompatReport report = compare(old, evolved);
    assertTrue(report.isCompatible(), report.toString());
    byte[] sent = evolved.encode(evolved.make("M", evolved.make("B", 0x1234)));
    Object read = old.decode(sent);
    Object other = read.getClass().getMethod("u").invoke(read);
    assertEquals("Other", other.getClass().getSimpleName());
    assertEquals(2, other.getClass().getMethod("selector").invoke(other));
    assertEquals(Bytes.of(new byte[] {0x12, 0x34}), other.getClass().getMethod("data").invoke(other));
    assertArrayEquals(sent, old.encode(read), "the old reader writes the bytes it kept back");
    Object a = old.make("M", old.make("A", 7));
    assertEquals(components(a), components(evolved.decode(old.encode(a))), "old cases read alike");
  }

  @Test
  void aRenamedBitFieldAndAWiderVarintKeepTheirBytes() throws Exception {
    Version old = version("v1", "bits F : u8 { bool on; u7 level; } message M = 1 { F f; varint<2> n; }");
    Version evolved = version("v2", "bits F : u8 { bool enabled; u7 level; } message M = 1 { F f; varint<3> n; }");
    CompatReport report = compare(old, evolved);
    assertTrue(report.isCompatible(), report.toString());
    assertTrue(report.warningCount() >= 2, report.toString());
    Object sent = old.make("M", old.make("F", true, 99), 16_000);
    Object read = evolved.decode(old.encode(sent));
    assertEquals("enabled=true;level=99;", components(read.getClass().getMethod("f").invoke(read)));
    assertEquals(16_000, read.getClass().getMethod("n").invoke(read));
    // A value only the wider varint holds is refused by the old reader, as the warning says.
    assertThrows(ProtocolException.class, () -> old.decode(evolved.encode(evolved.make("M",
        evolved.make("F", false, 1), 2_000_000))));
  }

  @Test
  void whereDataEndsChangedIsAnErrorAndTheCodecsDisagree() throws Exception {
    Version old = version("v1", "message M = 1 { string<nul> s; u8 after; }");
    Version evolved = version("v2", "message M = 1 { string s; u8 after; }");
    assertFalse(compare(old, evolved).isCompatible());
    byte[] sent = old.encode(old.make("M", "hi", 7));
    Object read;
    try {
      read = evolved.decode(sent);
    } catch (ProtocolException refused) {
      return;
    }
    assertNotEquals(components(old.decode(sent)), components(read));
  }

  @Test
  void aCaseRemovedIsAnErrorAndANewReaderRefusesIt() throws Exception {
    String common = "struct A { u8 x; } struct B { u16 y; } ";
    Version old = version("v1", common + "union U : u8 { 1 = A; 2 = B; } message M = 1 { u8 k; U<k> u; }");
    Version evolved = version("v2", common + "union U : u8 { 1 = A; } message M = 1 { u8 k; U<k> u; }");
    assertFalse(compare(old, evolved).isCompatible());
    byte[] sent = old.encode(old.make("M", old.make("B", 5)));
    ProtocolException refused = assertThrows(ProtocolException.class, () -> evolved.decode(sent));
    assertTrue(refused.getMessage().contains("U has no case for 2"), refused.getMessage());
  }

  @Test
  void aNullableMadeRequiredIsAnErrorAndANewReaderRefusesTheNull() throws Exception {
    Version old = version("v1", "message M = 1 { nullable bytes<i32> b; }");
    Version evolved = version("v2", "message M = 1 { bytes<i32> b; }");
    assertFalse(compare(old, evolved).isCompatible());
    byte[] sent = old.encode(old.make("M", java.util.Optional.empty()));
    ProtocolException refused = assertThrows(ProtocolException.class, () -> evolved.decode(sent));
    assertTrue(refused.getMessage().contains("negative"), refused.getMessage());
  }
}

package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.codegen.FrameLayoutsTest.Subject;
import dev.parley.codegen.PostgresCapturesTest.Captured;
import dev.parley.runtime.Bytes;
import dev.parley.spec.decode.CaptureReader;
import dev.parley.spec.decode.DecodedFrame;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every frame of the memcached binary conversation of {@code captures/memcached-binary.tsv}
 * (memcached 1.6.18) through the generated code of {@code valid/bodies/memcached_*.parley}: the
 * message its opcode names, the header fields and the key, extras and value its description gives
 * (the key and extras lengths computed from them), the same bytes encoded back, and the interpreter
 * reading it alike.
 */
class MemcachedCapturesTest {

  /** The message each opcode of the capture is, in requests and in responses. */
  private static final Map<Integer, String> OPCODES = Map.of(0x00, "Get", 0x01, "Set", 0x04, "Delete",
      0x07, "Quit", 0x09, "GetQ", 0x0A, "Noop", 0x0B, "Version", 0x0C, "GetK");

  @TestFactory
  Stream<DynamicTest> everyMemcachedFrameDecodesToItsDescriptionAndBackToItsBytes() throws IOException {
    List<Captured> frames = PostgresCapturesTest.read("memcached-binary.tsv");
    assertEquals(21, frames.size(), "frames of the capture");
    return frames.stream().map(f -> DynamicTest.dynamicTest(f.capture() + ":" + f.line() + " " + f.direction(),
        () -> check(f)));
  }

  private static void check(Captured frame) throws Exception {
    boolean request = frame.direction().equals("C>S");
    Subject s = BodiesTest.subject(request ? "memcached_request.parley" : "memcached_response.parley");
    ByteBuffer cut = FrameLayoutsTest.cutOne(s.protocol(), frame.bytes());
    Object message = s.protocol().decode(cut);
    String d = frame.description();
    int opcode = Integer.parseInt(find(d, "opcode=0x([0-9a-f]{2})").group(1), 16);
    assertEquals(OPCODES.get(opcode) + (request ? "" : "Response"), message.getClass().getSimpleName(), d);
    assertEquals(Long.parseLong(find(d, "opaque=0x([0-9a-f]{8})").group(1), 16), get(message, "opaque"), d);
    assertEquals(Long.parseLong(find(d, " cas=(\\d+)").group(1)), get(message, "cas"), d);
    assertEquals(Integer.parseInt(find(d, "keylen=(\\d+)").group(1)), get(message, "keyLength"), d);
    assertEquals(Integer.parseInt(find(d, "extlen=(\\d+)").group(1)), get(message, "extrasLength"), d);
    if (!request) {
      assertEquals(Integer.parseInt(find(d, "status=(\\d+)").group(1)), get(message, "status"), d);
    }
    Matcher key = Pattern.compile("key='([^']*)'").matcher(d);
    if (key.find()) {
      assertEquals(key.group(1), get(message, "key"), d);
    }
    Matcher value = Pattern.compile("value='([^']*)'").matcher(d);
    if (value.find()) {
      Object held = get(message, message.getClass().getSimpleName().equals("VersionResponse") ? "version" : "value");
      assertEquals(value.group(1), held instanceof Bytes b ? new String(b.toByteArray(), StandardCharsets.UTF_8) : held, d);
    }
    Matcher flags = Pattern.compile("extras flags=0x([0-9a-f]{8})(?: expiry=(\\d+))?").matcher(d);
    if (flags.find()) {
      Object extras = get(message, "extras");
      if (extras instanceof Bytes b) { // a response's extras: the flags, kept raw
        assertEquals(flags.group(1), java.util.HexFormat.of().formatHex(b.toByteArray()), d);
      } else { // a Set's StorageExtras
        assertEquals(Long.parseLong(flags.group(1), 16), get(extras, "flags"), d);
        assertEquals(Long.parseLong(flags.group(2)), get(extras, "expiration"), d);
      }
    }
    assertArrayEquals(frame.bytes(), FrameLayoutsTest.frameOf(s.protocol(), message), "encoded back");
    DecodedFrame decoded = new CaptureReader(s.interpreter(), new ByteArrayInputStream(frame.bytes())).next()
        .orElseThrow();
    assertEquals(0, decoded.skippedBytes(), "the interpreter knows every byte");
    FrameLayoutsTest.assertAgrees(s.file(), message, decoded, d);
  }

  private static Matcher find(String description, String regex) {
    Matcher m = Pattern.compile(regex).matcher(description);
    assertTrue(m.find(), () -> "'" + regex + "' in: " + description);
    return m;
  }

  /** The value of accessor {@code name} of a generated record; a number as a long, to compare. */
  private static Object get(Object record, String name) throws ReflectiveOperationException {
    Method accessor = record.getClass().getMethod(name);
    Object value = accessor.invoke(record);
    return value instanceof Integer i && !name.equals("keyLength") && !name.equals("extrasLength")
        && !name.equals("status") ? (Object) i.longValue() : value;
  }
}

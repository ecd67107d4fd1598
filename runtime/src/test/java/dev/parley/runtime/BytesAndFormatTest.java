package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

/** The small values of the runtime: Bytes, FrameFormat and exception paths. */
class BytesAndFormatTest {

  @Test
  void bytesAreImmutableAndEqualByContent() {
    byte[] source = {1, 2, 3};
    Bytes bytes = Bytes.of(source);
    source[0] = 9;
    assertEquals(Bytes.fromHex("010203"), bytes);
    assertEquals(Bytes.fromHex("010203").hashCode(), bytes.hashCode());
    bytes.toByteArray()[1] = 9;
    assertEquals("010203", bytes.hex());
    assertThrows(ReadOnlyBufferException.class, () -> bytes.asReadOnlyBuffer().put((byte) 0));
    assertNotEquals(Bytes.of((byte) 1), Bytes.of((byte) 1, (byte) 0));
    assertEquals(Bytes.empty(), Bytes.of());
    assertTrue(Bytes.of((byte) 0x7F).compareTo(Bytes.of((byte) 0x80)) < 0, "unsigned order");
    assertEquals("Bytes[size=3, 010203]", bytes.toString());
    assertThrows(IllegalArgumentException.class, () -> Bytes.fromHex("0"));
    assertThrows(IllegalArgumentException.class, () -> Bytes.fromHex("zz"));
  }

  @Test
  void readCopiesOutOfTheBuffer() {
    ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 2, 3, 4}).position(1);
    Bytes read = Bytes.read(buffer, 2);
    buffer.put(1, (byte) 9);
    assertEquals(Bytes.fromHex("0203"), read);
    assertEquals(3, buffer.position());
    // From a slice with an array offset, from a direct buffer, and past the end.
    ByteBuffer slice = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}, 2, 3).slice();
    assertEquals(Bytes.fromHex("0304"), Bytes.read(slice, 2));
    ByteBuffer direct = ByteBuffer.allocateDirect(3).put(new byte[] {7, 8, 9}).flip();
    assertEquals(Bytes.fromHex("0708"), Bytes.read(direct, 2));
    assertThrows(java.nio.BufferUnderflowException.class, () -> Bytes.read(direct, 2));
    assertEquals(2, direct.position(), "nothing was read");
  }

  @Test
  void frameFormatIsBuiltAndChecked() {
    FrameFormat format = FrameFormat.builder().lengthSize(2).byteOrder(ByteOrder.LITTLE_ENDIAN)
        .maxFrameLength(100).build();
    assertEquals(2, format.lengthSize());
    assertEquals(ByteOrder.LITTLE_ENDIAN, format.byteOrder());
    assertEquals(100, format.maxFrameLength());
    assertEquals(format, format.toBuilder().build());
    assertEquals(FrameFormat.defaults(), FrameFormat.builder().build());
    assertEquals(4, FrameFormat.defaults().lengthSize());
    assertThrows(IllegalArgumentException.class, () -> FrameFormat.builder().lengthSize(3));
    assertThrows(IllegalArgumentException.class, () -> FrameFormat.builder().maxFrameLength(0));
    assertThrows(IllegalArgumentException.class,
        () -> FrameFormat.builder().lengthSize(2).maxFrameLength(70_000).build());
  }

  @Test
  void malformedExceptionsComposePathsAndOffsets() {
    MalformedFrameException inner = new MalformedFrameException("lat", "need 8 bytes, 2 left", 30);
    MalformedFrameException outer = inner.within("at").within("plan[1]").within("Report").relativeTo(5);
    assertEquals("Report.plan[1].at.lat: need 8 bytes, 2 left, at offset 25", outer.getMessage());
    assertEquals(25, outer.offset());
    assertEquals("grid[0][2]", new MalformedFrameException("", "x", 0).within("", 2).within("grid", 0).path());
  }

  @Test
  void pathsArePrefixedOnTheSameExceptionWithoutANewStackTrace() {
    MalformedFrameException inner = new MalformedFrameException("lat", "need 8 bytes, 2 left", 30);
    StackTraceElement[] trace = inner.getStackTrace();
    assertEquals(0, trace.length, "refusing a frame fills no stack trace");
    MalformedFrameException outer = inner.within("at").within("plan", 1).within("Report").relativeTo(5);
    assertSame(inner, outer, "one exception all the way out");
    assertArrayEquals(trace, outer.getStackTrace(), "the stack trace of where the problem was found");
    assertEquals("Report.plan[1].at.lat", outer.path());
    assertEquals("need 8 bytes, 2 left", outer.problem());
    assertEquals("Report.plan[1].at.lat: need 8 bytes, 2 left, at offset 25", outer.toString()
        .substring(MalformedFrameException.class.getName().length() + 2));
  }
}

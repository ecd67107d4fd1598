package drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import demo.v1.Color;
import demo.v1.DemoMessage;
import demo.v1.DemoProtocol;
import demo.v1.Perms;
import demo.v1.Point;
import demo.v1.Sample;
import dev.parley.runtime.Bytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import tiny.Ping;
import tiny.TinyProtocol;

/** The worked examples of SPEC.md, byte for byte, both ways. */
public final class SpecExamples {

  private SpecExamples() {}

  static final Sample SAMPLE = new Sample(8080, -2, "héllo", Optional.of(42L), Optional.empty(),
      List.of(new Point((short) 1, (short) 2), new Point((short) -3, (short) 4)), Color.BLUE,
      EnumSet.of(Perms.READ, Perms.ADMIN));

  static final Ping PING = new Ping(258, (short) -2, "ok", List.of(80, 443), 1.5f);

  /** The fenced hex blocks of SPEC.md, in order. */
  static List<String> specHex() throws IOException {
    Path spec = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
        .resolveSibling("protocol-spec").resolve("SPEC.md");
    List<String> blocks = new ArrayList<>();
    String[] lines = Files.readString(spec).split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].strip().equals("```hex")) {
        blocks.add(lines[i + 1].strip());
      }
    }
    // The first two are Parley's own frame; FrameLayoutsTest checks those of declared frames.
    assertEquals(12, blocks.size(), "hex blocks in SPEC.md");
    return blocks;
  }

  /** Encodes a frame (length prefix and body) the way a transport does. */
  static <M> String frame(dev.parley.runtime.Protocol<M> protocol, M message, ByteBuffer buffer) {
    int start = buffer.position();
    int size = protocol.encodedSize(message);
    ByteBuffer prefix = buffer.duplicate().order(protocol.frameFormat().byteOrder());
    if (protocol.frameFormat().lengthSize() == 4) {
      prefix.putInt(start, size);
    } else {
      prefix.putShort(start, (short) size);
    }
    buffer.position(start + protocol.frameFormat().lengthSize());
    protocol.encode(message, buffer);
    assertEquals(start + protocol.frameFormat().lengthSize() + size, buffer.position(), "encodedSize is exact");
    byte[] bytes = new byte[buffer.position() - start];
    buffer.duplicate().position(start).get(bytes);
    return Bytes.of(bytes).hex();
  }

  public static void bigEndianExampleEncodesToItsHex() throws IOException {
    // A little-endian buffer, at a non-zero position: the schema's order wins and the buffer's stays.
    ByteBuffer buffer = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).position(5);
    assertEquals(specHex().get(0), frame(DemoProtocol.INSTANCE, SAMPLE, buffer));
    assertEquals(ByteOrder.LITTLE_ENDIAN, buffer.order());
    ByteBuffer direct = ByteBuffer.allocateDirect(64);
    assertEquals(specHex().get(0), frame(DemoProtocol.INSTANCE, SAMPLE, direct));
  }

  public static void bigEndianExampleDecodesFromItsHex() throws Exception {
    byte[] frame = Bytes.fromHex(specHex().get(0)).toByteArray();
    ByteBuffer body = ByteBuffer.wrap(frame, 4, frame.length - 4);
    DemoMessage decoded = DemoProtocol.INSTANCE.decode(body);
    assertEquals(SAMPLE, decoded);
    assertEquals(frame.length, body.position(), "decode consumes the whole body");
    ByteBuffer direct = ByteBuffer.allocateDirect(frame.length).put(frame).position(4);
    assertEquals(SAMPLE, DemoProtocol.INSTANCE.decode(direct));
  }

  public static void littleEndianExampleEncodesAndDecodes() throws Exception {
    ByteBuffer buffer = ByteBuffer.allocate(64);
    assertEquals(specHex().get(1), frame(TinyProtocol.INSTANCE, PING, buffer));
    assertEquals(ByteOrder.BIG_ENDIAN, buffer.order());
    byte[] frame = Bytes.fromHex(specHex().get(1)).toByteArray();
    assertEquals(PING, TinyProtocol.INSTANCE.decode(ByteBuffer.wrap(frame, 2, frame.length - 2)));
  }

  public static void frameFormatsFollowTheOptions() {
    assertEquals(4, DemoProtocol.INSTANCE.frameFormat().lengthSize());
    assertEquals(ByteOrder.BIG_ENDIAN, DemoProtocol.INSTANCE.frameFormat().byteOrder());
    assertEquals(1 << 20, DemoProtocol.INSTANCE.frameFormat().maxFrameLength());
    assertEquals(2, TinyProtocol.INSTANCE.frameFormat().lengthSize());
    assertEquals(ByteOrder.LITTLE_ENDIAN, TinyProtocol.INSTANCE.frameFormat().byteOrder());
    assertEquals(65535, TinyProtocol.INSTANCE.frameFormat().maxFrameLength());
    assertEquals(7, Sample.TYPE_ID);
    assertEquals(3, PING.typeId());
  }
}

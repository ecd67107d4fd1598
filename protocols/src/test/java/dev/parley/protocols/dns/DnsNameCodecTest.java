package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.runtime.MalformedFrameException;
import dev.parley.testing.Property;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DnsNameCodec} on hand-made bytes: labels and pointers read as RFC 1035 4.1.4 says, and
 * every malformed name (pointer loops, forward pointers, pointers past the message, too many
 * jumps, names over 255 bytes, labels of 64 or of the reserved kinds, names cut short) refused
 * with a {@link MalformedFrameException} at the offending byte, within bounded time.
 */
class DnsNameCodecTest {

  private static final DnsNameCodec CODEC = new DnsNameCodec();

  /** Bytes from ints and strings: a string stands for its ASCII bytes. */
  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String s) {
        for (int i = 0; i < s.length(); i++) {
          out.write(s.charAt(i));
        }
      } else if (part instanceof byte[] b) {
        out.writeBytes(b);
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }

  /** A 12-byte DNS header of zeros, the usual thing before the first name. */
  private static final byte[] HEADER = new byte[12];

  /** {@code www.parley.test.} without compression: 17 bytes. */
  private static final byte[] WWW = bytes(3, "www", 6, "parley", 4, "test", 0);

  private static ByteBuffer at(byte[] message, int position) {
    return ByteBuffer.wrap(message).position(position);
  }

  /** Reads the name at {@code position} of {@code message}, whose origin is 0. */
  private static DnsName read(byte[] message, int position) throws MalformedFrameException {
    return CODEC.read(at(message, position), 0);
  }

  /** The refusal of the name at {@code position}, which must come quickly whatever the bytes. */
  private static MalformedFrameException refused(byte[] message, int position, int origin) {
    return assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(MalformedFrameException.class, () -> CODEC.read(at(message, position), origin)));
  }

  private static MalformedFrameException refused(byte[] message, int position) {
    return refused(message, position, 0);
  }

  @Test
  void readsLabelsEndedByZeroAndConsumesThem() throws MalformedFrameException {
    ByteBuffer in = at(bytes(HEADER, WWW, 0xAA), 12);
    assertEquals(DnsName.of("www", "parley", "test"), CODEC.read(in, 0));
    assertEquals(12 + 17, in.position());
  }

  @Test
  void readsTheRootAsOneZeroByte() throws MalformedFrameException {
    ByteBuffer in = at(bytes(0, 0), 0);
    assertEquals(DnsName.ROOT, CODEC.read(in, 0));
    assertEquals(1, in.position());
  }

  @Test
  void followsAPointerBackAndConsumesOnlyThePointer() throws MalformedFrameException {
    byte[] message = bytes(HEADER, WWW, 0xC0, 12, 0xAA);
    ByteBuffer in = at(message, 29);
    assertEquals(DnsName.parse("www.parley.test."), CODEC.read(in, 0));
    assertEquals(31, in.position(), "the pointer's two bytes, not its target's");
  }

  @Test
  void readsLabelsThenAPointerToTheRestOfAnotherName() throws MalformedFrameException {
    // "parley.test." starts at 16, after www's 4 bytes.
    byte[] message = bytes(HEADER, WWW, 3, "api", 0xC0, 16);
    ByteBuffer in = at(message, 29);
    assertEquals(DnsName.of("api", "parley", "test"), CODEC.read(in, 0));
    assertEquals(message.length, in.position());
  }

  @Test
  void followsAChainOfPointersEachFurtherBack() throws MalformedFrameException {
    // test. at 12; parley -> test at 18; www -> parley.test. at 27.
    byte[] message = bytes(HEADER, 4, "test", 0, 6, "parley", 0xC0, 12, 3, "www", 0xC0, 18);
    assertEquals(DnsName.of("www", "parley", "test"), read(message, 27));
  }

  @Test
  void countsPointersFromTheOriginTheDecoderGives() throws MalformedFrameException {
    // As over TCP: a 2-byte length, then the message; the pointer 0xC00C is 12 bytes after it.
    byte[] frame = bytes(0, 31, HEADER, WWW, 0xC0, 12);
    assertEquals(DnsName.parse("www.parley.test."), CODEC.read(at(frame, 31), 2));
    // Counted from the frame's first byte instead, the pointer lands in the header's zeros.
    assertEquals(DnsName.ROOT, CODEC.read(at(frame, 31), 0));
  }

  @Test
  void keepsOctetsAndCaseAsTheyAre() throws MalformedFrameException {
    DnsName name = read(bytes(3, "WwW", 2, 0xFF, ".", 0), 0);
    assertEquals(List.of("WwW", "\u00ff."), name.labels());
    assertEquals("WwW.\\255\\..", name.toString());
    assertTrue(name.equalsIgnoreCase(DnsName.of("www", "\u00ff.")));
  }

  @Test
  void refusesAPointerToItself() {
    MalformedFrameException e = refused(bytes(HEADER, 0xC0, 12), 12);
    assertEquals(12, e.offset());
    assertEquals("compression pointer to offset 12 does not point before the labels it ends, which start at"
        + " offset 12", e.problem());
  }

  @Test
  void refusesTwoPointersToEachOther() {
    byte[] message = bytes(HEADER, 0xC0, 14, 0xC0, 12);
    MalformedFrameException fromSecond = refused(message, 14);
    assertEquals(12, fromSecond.offset(), "the first pointer, reached through the second, points forward");
    MalformedFrameException fromFirst = refused(message, 12);
    assertEquals(12, fromFirst.offset());
  }

  @Test
  void refusesAPointerIntoItsOwnLabels() {
    // "a" then a pointer back to the "a" label: a loop through one label.
    MalformedFrameException e = refused(bytes(HEADER, 1, "a", 0xC0, 12), 12);
    assertEquals(14, e.offset());
  }

  @Test
  void refusesAPointerForwardEvenToAValidName() {
    byte[] message = bytes(HEADER, 0xC0, 14, WWW);
    MalformedFrameException e = refused(message, 12);
    assertEquals(12, e.offset());
    assertTrue(e.problem().contains("does not point before"), e.problem());
  }

  @Test
  void refusesAPointerBeyondTheMessage() {
    byte[] message = bytes(HEADER, WWW, 0xFF, 0xFF);
    MalformedFrameException e = refused(message, 29);
    assertEquals(29, e.offset());
    assertEquals("compression pointer to offset 16383 points beyond the message, which ends at offset 31", e.problem());
    // The limit bounds the message even when the buffer goes on: within a record's data, say.
    ByteBuffer in = ByteBuffer.wrap(bytes(HEADER, 0xC0, 14, 0)).limit(14).position(12);
    assertThrows(MalformedFrameException.class, () -> CODEC.read(in, 0));
  }

  /** A root at 0, then {@code count} pointers, each to the one before: the last follows {@code count}. */
  private static byte[] pointerChain(int count) {
    byte[] message = new byte[1 + 2 * count];
    for (int i = 0; i < count; i++) {
      int target = i == 0 ? 0 : 1 + 2 * (i - 1);
      message[1 + 2 * i] = (byte) (0xC0 | (target >> 8));
      message[2 + 2 * i] = (byte) target;
    }
    return message;
  }

  @Test
  void followsAtMost127Pointers() throws MalformedFrameException {
    byte[] most = pointerChain(DnsNameCodec.MAX_JUMPS);
    assertEquals(DnsName.ROOT, read(most, most.length - 2));
    byte[] tooMany = pointerChain(DnsNameCodec.MAX_JUMPS + 1);
    MalformedFrameException e = refused(tooMany, tooMany.length - 2);
    assertEquals("the name follows more than 127 compression pointers", e.problem());
    assertEquals(1, e.offset(), "the 128th pointer");
  }

  @Test
  void refusesAThousandPointersQuickly() {
    byte[] chain = pointerChain(1000);
    assertTrue(refused(chain, chain.length - 2).problem().contains("more than 127"));
  }

  private static String label(int length, char c) {
    return String.valueOf(c).repeat(length);
  }

  @Test
  void readsANameOfExactly255Bytes() throws MalformedFrameException {
    byte[] message = bytes(63, label(63, 'a'), 63, label(63, 'b'), 63, label(63, 'c'), 61, label(61, 'd'), 0);
    assertEquals(255, message.length);
    DnsName name = read(message, 0);
    assertEquals(255, name.wireLength());
    assertEquals(4, name.labels().size());
  }

  @Test
  void refusesANameOver255Bytes() {
    byte[] message = bytes(63, label(63, 'a'), 63, label(63, 'b'), 63, label(63, 'c'), 62, label(62, 'd'), 0);
    assertEquals(256, message.length);
    MalformedFrameException e = refused(message, 0);
    assertEquals("the name takes more than 255 bytes", e.problem());
    assertEquals(192, e.offset(), "the label that passes 255");
  }

  @Test
  void refusesANameOver255BytesMadeOfPointers() throws MalformedFrameException {
    // Each pointer adds a 63-byte label in front of the name before it: 1 + 64 k bytes.
    byte[] message = bytes(63, label(63, 'a'), 0, 63, label(63, 'b'), 0xC0, 0, 63, label(63, 'c'), 0xC0, 65,
        63, label(63, 'd'), 0xC0, 131);
    assertEquals(DnsName.of(label(63, 'c'), label(63, 'b'), label(63, 'a')), read(message, 131));
    MalformedFrameException e = refused(message, 197);
    assertEquals("the name takes more than 255 bytes", e.problem());
  }

  @Test
  void refusesALabelOf64Bytes() {
    // 64 is 0b01000000: the length byte of an extended label type, never a label.
    MalformedFrameException e = refused(bytes(HEADER, 64, label(64, 'x'), 0), 12);
    assertEquals(12, e.offset());
    assertTrue(e.problem().startsWith("label type 0b01 (length byte 0x40)"), e.problem());
  }

  @Test
  void refusesTheReservedLabelTypes() {
    for (int length : new int[] {0x40, 0x41, 0x7F, 0x80, 0x81, 0xBF}) {
      MalformedFrameException e = refused(bytes(3, "www", length, 0, 0), 0);
      assertEquals(4, e.offset(), "length byte " + length);
      assertTrue(e.problem().contains("is not a label or a pointer"), e.problem());
    }
  }

  @Test
  void refusesNamesCutShort() {
    List<byte[]> cuts = new ArrayList<>();
    cuts.add(bytes());
    cuts.add(bytes(3, "ww"));
    cuts.add(bytes(3, "www"));
    cuts.add(bytes(3, "www", 6, "par"));
    cuts.add(bytes(3, "www", 0xC0));
    for (byte[] cut : cuts) {
      MalformedFrameException e = refused(cut, 0);
      assertTrue(e.problem().contains("cut short"), e.problem());
      assertTrue(e.offset() <= cut.length);
    }
    // A pointer whose target runs past the limit is cut short too: the label at 0 would take 5.
    MalformedFrameException e = refused(bytes(5, 0xC0, 0), 1);
    assertEquals("label of 5 bytes is cut short: 2 left", e.problem());
    assertEquals(0, e.offset());
  }

  @Test
  void writesLabelsThenZeroWithoutCompression() {
    DnsName name = DnsName.of("www", "parley", "test");
    ByteBuffer out = ByteBuffer.allocate(CODEC.size(name));
    CODEC.write(name, out);
    assertArrayEquals(WWW, out.array());
    assertEquals(out.capacity(), out.position());
    ByteBuffer root = ByteBuffer.allocate(CODEC.size(DnsName.ROOT));
    CODEC.write(DnsName.ROOT, root);
    assertArrayEquals(new byte[] {0}, root.array());
  }

  @Test
  void randomNamesAreValidAndReadBackAsWritten() {
    Property.forAll("random names written and read", CODEC::arbitrary).values(2_000).check(name -> {
      assertTrue(name.wireLength() <= 255);
      ByteBuffer out = ByteBuffer.allocate(1 + CODEC.size(name));
      out.put((byte) 0x5A);
      CODEC.write(name, out);
      out.flip().position(1);
      assertEquals(name, CODEC.read(out, 0));
      assertEquals(out.limit(), out.position());
      assertEquals(name, DnsName.parse(name.toString()), "the text form reads back");
    });
  }
}

package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.runtime.internal.Wire;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract of a hand-written codec, pinned by the one it was made for: DNS names, whose
 * compression pointers count from the start of the message and are read where they point, not
 * consumed.
 */
class ExternCodecTest {

  /** A DNS name: its labels, without the root. */
  record Name(List<String> labels) {
    Name {
      labels = List.copyOf(labels);
    }

    static Name of(String dotted) {
      return new Name(List.of(dotted.split("\\.")));
    }
  }

  /** RFC 1035 names, read with compression pointers and written without. Stateless. */
  static final class DnsNames implements ExternCodec<Name> {

    @Override
    public int size(Name value) {
      int size = 1;
      for (String label : value.labels()) {
        size += 1 + label.length();
      }
      return size;
    }

    @Override
    public void write(Name value, ByteBuffer out) {
      for (String label : value.labels()) {
        out.put((byte) label.length()).put(label.getBytes(StandardCharsets.US_ASCII));
      }
      out.put((byte) 0);
    }

    @Override
    public Name read(ByteBuffer in, int origin) throws MalformedFrameException {
      List<String> labels = new ArrayList<>();
      int i = in.position();
      int end = -1; // where the name's own bytes end: after its first pointer, or its root
      int bound = i; // a pointer must point before this: each jump goes further back, so none loops
      while (true) {
        if (i >= in.limit()) {
          throw new MalformedFrameException("", "name cut short", i);
        }
        int length = in.get(i) & 0xFF;
        if (length == 0) {
          in.position(end < 0 ? i + 1 : end);
          return new Name(labels);
        }
        if ((length & 0xC0) == 0xC0) {
          if (i + 1 >= in.limit()) {
            throw new MalformedFrameException("", "pointer cut short", i);
          }
          int target = origin + ((length & 0x3F) << 8 | in.get(i + 1) & 0xFF);
          if (target >= bound) {
            throw new MalformedFrameException("", "pointer to " + (target - origin) + " does not point back", i);
          }
          end = end < 0 ? i + 2 : end;
          bound = target;
          i = target;
          continue;
        }
        if (length > 63) {
          throw new MalformedFrameException("", "label length " + length + " is neither a length nor a pointer", i);
        }
        if (i + 1 + length > in.limit()) {
          throw new MalformedFrameException("", "label of " + length + " bytes cut short", i);
        }
        byte[] label = new byte[length];
        for (int k = 0; k < length; k++) {
          label[k] = in.get(i + 1 + k);
        }
        labels.add(new String(label, StandardCharsets.US_ASCII));
        i += 1 + length;
      }
    }
  }

  private static final DnsNames NAMES = new DnsNames();

  /** Four bytes of framing, then a body: www.example.com, mail + a pointer to example.com, a u16. */
  private static ByteBuffer message() {
    ByteBuffer buf = ByteBuffer.allocate(64);
    buf.putInt(0xCAFE_F00D);
    NAMES.write(Name.of("www.example.com"), buf);
    buf.put((byte) 4).put("mail".getBytes(StandardCharsets.US_ASCII)).put((byte) 0xC0).put((byte) 4);
    buf.putShort((short) 1);
    return buf.flip().position(4);
  }

  @Test
  void aPointerIsReadWhereItPointsAndOnlyItsTwoBytesAreConsumed() throws MalformedFrameException {
    ByteBuffer in = message();
    assertEquals(Name.of("www.example.com"), NAMES.read(in, 4));
    assertEquals(4 + 17, in.position());
    assertEquals(Name.of("mail.example.com"), NAMES.read(in, 4));
    assertEquals(4 + 17 + 7, in.position());
    assertEquals(1, Wire.u16(in, "qtype"), "the next field starts right after the pointer");
  }

  @Test
  void sizeIsWhatWriteWrites() throws MalformedFrameException {
    Name name = Name.of("a.bc.def");
    ByteBuffer out = ByteBuffer.allocate(NAMES.size(name));
    NAMES.write(name, out);
    assertEquals(0, out.remaining());
    assertEquals(name, NAMES.read(out.flip(), 0));
  }

  @Test
  void badNamesAreMalformedFramesThatTheDecoderCompletes() {
    ByteBuffer loop = message();
    loop.put(4 + 17 + 6, (byte) 17); // mail, then a pointer to itself
    loop.position(4 + 17);
    MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> NAMES.read(loop, 4));
    // What a generated decoder does on the error's way out: the field's path, the body's offsets.
    assertEquals("Query.name: pointer to 17 does not point back, at offset 22", e.within("Query.name").relativeTo(4)
        .getMessage());

    ByteBuffer cut = message().limit(4 + 10);
    assertEquals("label of 7 bytes cut short, at offset 8",
        assertThrows(MalformedFrameException.class, () -> NAMES.read(cut, 4)).getMessage());
  }

  @Test
  void theDefaultsRefuseNullAndCountOneByteAValue() {
    assertEquals(1, NAMES.minimumSize());
    Name name = Name.of("example.org");
    NAMES.check(name, "name");
    assertEquals("name", assertThrows(NullPointerException.class, () -> NAMES.check(null, "name")).getMessage());
    assertEquals("gives no random values", assertThrows(UnsupportedOperationException.class,
        () -> NAMES.arbitrary(new java.util.SplittableRandom(1), 10)).getMessage().replaceAll(".* gives", "gives"));
  }
}

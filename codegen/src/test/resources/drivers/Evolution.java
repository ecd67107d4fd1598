package drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/** A v2 reader reads v1 bodies with defaults; a v1 reader reads v2 bodies, skipping the new fields. */
public final class Evolution {

  private Evolution() {}

  static final evolution.v1.Profile V1 = new evolution.v1.Profile(42, "ada");
  static final evolution.v2.Profile V2 = new evolution.v2.Profile(42, "ada", Optional.of(7L), 9, "bye",
      evolution.v2.Level.LOW, EnumSet.of(evolution.v2.Caps.B), List.of(1L, 2L), 0.25f, (byte) 100);

  public static void newReaderGivesDefaultsToOldBodies() throws Exception {
    byte[] old = Codec.encode(evolution.v1.ProfileProtocol.INSTANCE, V1);
    evolution.v2.ProfileMessage read = Codec.decode(evolution.v2.ProfileProtocol.INSTANCE, old);
    assertEquals(new evolution.v2.Profile(42, "ada", Optional.empty(), 3, "hi", evolution.v2.Level.HIGH,
        EnumSet.of(evolution.v2.Caps.A, evolution.v2.Caps.B), List.of(), 1.5f, (byte) -4), read);
  }

  public static void oldReaderSkipsNewFields() throws Exception {
    byte[] body = Codec.encode(evolution.v2.ProfileProtocol.INSTANCE, V2);
    assertEquals(V1, Codec.decode(evolution.v1.ProfileProtocol.INSTANCE, body));
  }

  public static void newReaderReadsNewBodies() throws Exception {
    Codec.assertRoundTrip(evolution.v2.ProfileProtocol.INSTANCE, V2);
  }

  public static void otherMessagesAreUnaffected() throws Exception {
    byte[] body = Codec.encode(evolution.v1.ProfileProtocol.INSTANCE, new evolution.v1.Other(5));
    assertEquals(new evolution.v2.Other(5), Codec.decode(evolution.v2.ProfileProtocol.INSTANCE, body));
  }
}

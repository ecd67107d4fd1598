package dev.parley.benchmarks;

import java.util.List;

/**
 * The object model that the hand-written floor and SBE decode into: plain records, as an
 * application would hold the messages. Parley decodes into its own generated records of the same
 * shape, protobuf-java into its message classes.
 */
final class Model {

  private Model() {}

  /** An order with fills. */
  record Order(long orderId, long accountId, long price, long quantity, byte side, long timestampNanos,
      String symbol, List<Fill> fills) {}

  /** One fill of an order. */
  record Fill(long price, long qty) {}

  /** A chat line. */
  record Chat(long roomId, long senderId, String text) {}

  /** An opaque payload. */
  record Blob(long id, byte[] payload) {}

  static final byte BUY = 1;

  /** The values every benchmark encodes, the same in every system. */
  static final Order ORDER = new Order(1234567890123L, 42L, 1_500_000L, 100L, BUY, 1_700_000_000_000_000_000L,
      "AAPL", List.of(new Fill(1_499_900L, 30L), new Fill(1_500_000L, 50L), new Fill(1_500_100L, 20L)));

  static final Chat CHAT = new Chat(7L, 99L, "x".repeat(200));

  static final Blob BLOB = new Blob(1L, payload());

  private static byte[] payload() {
    byte[] payload = new byte[4096];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 31);
    }
    return payload;
  }
}

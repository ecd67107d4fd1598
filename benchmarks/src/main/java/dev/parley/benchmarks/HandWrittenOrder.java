package dev.parley.benchmarks;

import dev.parley.benchmarks.generated.Order;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor for an object-model codec: the Order written by hand with ByteBuffer calls, no checks
 * beyond what ByteBuffer does, {@code String.getBytes} for the symbol. Same bytes as Parley's.
 */
public record HandWrittenOrder(long orderId, long accountId, long price, long quantity, byte side,
    long timestampNanos, String symbol, List<Fill> fills) {

  /** A fill. */
  public record Fill(long price, long qty) {}

  static HandWrittenOrder from(Order order) {
    List<Fill> fills = new ArrayList<>();
    for (dev.parley.benchmarks.generated.Fill fill : order.fills()) {
      fills.add(new Fill(fill.price(), fill.qty()));
    }
    return new HandWrittenOrder(order.orderId(), order.accountId(), order.price(), order.quantity(),
        (byte) order.side().value(), order.timestampNanos(), order.symbol(), fills);
  }

  static void encode(HandWrittenOrder order, ByteBuffer out) {
    out.putShort((short) 1);
    out.putLong(order.orderId);
    out.putLong(order.accountId);
    out.putLong(order.price);
    out.putInt((int) order.quantity);
    out.put(order.side);
    out.putLong(order.timestampNanos);
    byte[] symbol = order.symbol.getBytes(StandardCharsets.UTF_8);
    out.putShort((short) symbol.length);
    out.put(symbol);
    out.putShort((short) order.fills.size());
    for (int i = 0; i < order.fills.size(); i++) {
      Fill fill = order.fills.get(i);
      out.putLong(fill.price);
      out.putInt((int) fill.qty);
    }
  }

  static HandWrittenOrder decode(ByteBuffer in) {
    in.getShort();
    long orderId = in.getLong();
    long accountId = in.getLong();
    long price = in.getLong();
    long quantity = in.getInt() & 0xFFFF_FFFFL;
    byte side = in.get();
    long timestamp = in.getLong();
    byte[] symbol = new byte[in.getShort() & 0xFFFF];
    in.get(symbol);
    int count = in.getShort() & 0xFFFF;
    Fill[] fills = new Fill[count];
    for (int i = 0; i < count; i++) {
      fills[i] = new Fill(in.getLong(), in.getInt() & 0xFFFF_FFFFL);
    }
    return new HandWrittenOrder(orderId, accountId, price, quantity, side, timestamp,
        new String(symbol, StandardCharsets.UTF_8), List.of(fills));
  }
}

package dev.parley.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The floor for an object-model codec: the messages written by hand with {@code ByteBuffer} calls
 * and {@code String.getBytes}, no checks beyond what {@code ByteBuffer} does. It writes the same
 * bytes as Parley (checked when each benchmark starts).
 */
final class HandWritten {

  private HandWritten() {}

  static void encode(Model.Order order, ByteBuffer out) {
    out.putShort((short) 1);
    out.putLong(order.orderId());
    out.putLong(order.accountId());
    out.putLong(order.price());
    out.putInt((int) order.quantity());
    out.put(order.side());
    out.putLong(order.timestampNanos());
    byte[] symbol = order.symbol().getBytes(StandardCharsets.UTF_8);
    out.putShort((short) symbol.length);
    out.put(symbol);
    List<Model.Fill> fills = order.fills();
    out.putShort((short) fills.size());
    for (int i = 0; i < fills.size(); i++) {
      Model.Fill fill = fills.get(i);
      out.putLong(fill.price());
      out.putInt((int) fill.qty());
    }
  }

  static Model.Order decodeOrder(ByteBuffer in) {
    in.getShort();
    long orderId = in.getLong();
    long accountId = in.getLong();
    long price = in.getLong();
    long quantity = in.getInt() & 0xFFFF_FFFFL;
    byte side = in.get();
    long timestamp = in.getLong();
    String symbol = string(in);
    int count = in.getShort() & 0xFFFF;
    Model.Fill[] fills = new Model.Fill[count];
    for (int i = 0; i < count; i++) {
      fills[i] = new Model.Fill(in.getLong(), in.getInt() & 0xFFFF_FFFFL);
    }
    return new Model.Order(orderId, accountId, price, quantity, side, timestamp, symbol, List.of(fills));
  }

  static void encode(Model.Chat chat, ByteBuffer out) {
    out.putShort((short) 2);
    out.putLong(chat.roomId());
    out.putLong(chat.senderId());
    byte[] text = chat.text().getBytes(StandardCharsets.UTF_8);
    out.putShort((short) text.length);
    out.put(text);
  }

  static Model.Chat decodeChat(ByteBuffer in) {
    in.getShort();
    return new Model.Chat(in.getLong(), in.getLong(), string(in));
  }

  static void encode(Model.Blob blob, ByteBuffer out) {
    out.putShort((short) 3);
    out.putLong(blob.id());
    out.putInt(blob.payload().length);
    out.put(blob.payload());
  }

  static Model.Blob decodeBlob(ByteBuffer in) {
    in.getShort();
    long id = in.getLong();
    byte[] payload = new byte[in.getInt()];
    in.get(payload);
    return new Model.Blob(id, payload);
  }

  private static String string(ByteBuffer in) {
    byte[] bytes = new byte[in.getShort() & 0xFFFF];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}

package dev.parley.benchmarks;

import dev.parley.benchmarks.sbe.BlobDecoder;
import dev.parley.benchmarks.sbe.BlobEncoder;
import dev.parley.benchmarks.sbe.ChatDecoder;
import dev.parley.benchmarks.sbe.ChatEncoder;
import dev.parley.benchmarks.sbe.MessageHeaderDecoder;
import dev.parley.benchmarks.sbe.MessageHeaderEncoder;
import dev.parley.benchmarks.sbe.OrderDecoder;
import dev.parley.benchmarks.sbe.OrderEncoder;
import dev.parley.benchmarks.sbe.Side;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * SBE used the way its users use it for speed: one set of flyweights per thread, wrapped over a
 * reused buffer; encoding copies a record of the object model into the buffer, decoding into a
 * record reads every field out of the flyweight into a new {@link Model} record.
 */
final class SbeCodecs {

  private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
  private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
  private final OrderEncoder orderEncoder = new OrderEncoder();
  private final OrderDecoder orderDecoder = new OrderDecoder();
  private final ChatEncoder chatEncoder = new ChatEncoder();
  private final ChatDecoder chatDecoder = new ChatDecoder();
  private final BlobEncoder blobEncoder = new BlobEncoder();
  private final BlobDecoder blobDecoder = new BlobDecoder();

  /** Encodes {@code order} at offset 0 and returns the encoded length, header included. */
  int encode(Model.Order order, UnsafeBuffer buffer) {
    OrderEncoder encoder = orderEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
        .orderId(order.orderId())
        .accountId(order.accountId())
        .price(order.price())
        .quantity(order.quantity())
        .side(order.side() == Model.BUY ? Side.BUY : Side.SELL)
        .timestampNanos(order.timestampNanos());
    List<Model.Fill> fills = order.fills();
    OrderEncoder.FillsEncoder group = encoder.fillsCount(fills.size());
    for (int i = 0; i < fills.size(); i++) {
      Model.Fill fill = fills.get(i);
      group.next().price(fill.price()).qty(fill.qty());
    }
    encoder.symbol(order.symbol());
    return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
  }

  Model.Order decodeOrder(UnsafeBuffer buffer) {
    OrderDecoder decoder = orderDecoder.wrapAndApplyHeader(buffer, 0, headerDecoder);
    long orderId = decoder.orderId();
    long accountId = decoder.accountId();
    long price = decoder.price();
    long quantity = decoder.quantity();
    byte side = (byte) decoder.sideRaw();
    long timestamp = decoder.timestampNanos();
    OrderDecoder.FillsDecoder group = decoder.fills();
    Model.Fill[] fills = new Model.Fill[group.count()];
    for (int i = 0; i < fills.length; i++) {
      group.next();
      fills[i] = new Model.Fill(group.price(), group.qty());
    }
    return new Model.Order(orderId, accountId, price, quantity, side, timestamp, decoder.symbol(), List.of(fills));
  }

  int encode(Model.Chat chat, UnsafeBuffer buffer) {
    ChatEncoder encoder = chatEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
        .roomId(chat.roomId())
        .senderId(chat.senderId())
        .text(chat.text());
    return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
  }

  Model.Chat decodeChat(UnsafeBuffer buffer) {
    ChatDecoder decoder = chatDecoder.wrapAndApplyHeader(buffer, 0, headerDecoder);
    return new Model.Chat(decoder.roomId(), decoder.senderId(), decoder.text());
  }

  int encode(Model.Blob blob, UnsafeBuffer buffer) {
    BlobEncoder encoder = blobEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
        .id(blob.id())
        .putPayload(blob.payload(), 0, blob.payload().length);
    return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
  }

  Model.Blob decodeBlob(UnsafeBuffer buffer) {
    BlobDecoder decoder = blobDecoder.wrapAndApplyHeader(buffer, 0, headerDecoder);
    long id = decoder.id();
    byte[] payload = new byte[decoder.payloadLength()];
    decoder.getPayload(payload, 0, payload.length);
    return new Model.Blob(id, payload);
  }
}

package dev.parley.benchmarks;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.parley.benchmarks.generated.BenchMessage;
import dev.parley.benchmarks.generated.BenchProtocol;
import dev.parley.benchmarks.generated.Blob;
import dev.parley.benchmarks.generated.Chat;
import dev.parley.benchmarks.generated.Fill;
import dev.parley.benchmarks.generated.Order;
import dev.parley.benchmarks.generated.Side;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The same three messages (Order, Chat, a 4 KiB Blob) in four codecs: Parley's generated records,
 * the hand-written {@code ByteBuffer} floor, SBE flyweights and protobuf-java. Benchmarks are
 * named {@code <message><System><Operation>}:
 *
 * <ul>
 *   <li>{@code Encode}: a prebuilt message into a reused buffer;
 *   <li>{@code Decode}: a frame body into a new object, every field read;
 *   <li>{@code Size}: the encoded size computed without encoding (Parley's {@code encodedSize},
 *       protobuf's {@code getSerializedSize}, which protobuf caches in the message).
 * </ul>
 *
 * <p>{@link #setUp} checks that every system round-trips the same values, and that Parley and the
 * hand-written floor write the same bytes. Run with {@code -prof gc} for bytes per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
// Agrona (under SBE) reads jdk.internal.misc.Unsafe.
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class CodecBenchmark {

  private static final BenchProtocol PARLEY = BenchProtocol.INSTANCE;

  private final ByteBuffer buffer = ByteBuffer.allocate(8192);
  private final byte[] protobufArray = new byte[8192];
  private final UnsafeBuffer sbeBuffer = new UnsafeBuffer(new byte[8192]);
  private final SbeCodecs sbe = new SbeCodecs();

  private Order parleyOrder;
  private Chat parleyChat;
  private Blob parleyBlob;
  private ByteBuffer parleyOrderBody;
  private ByteBuffer parleyChatBody;
  private ByteBuffer parleyBlobBody;

  private dev.parley.benchmarks.protobuf.Order protobufOrder;
  private dev.parley.benchmarks.protobuf.Chat protobufChat;
  private dev.parley.benchmarks.protobuf.Blob protobufBlob;
  private byte[] protobufOrderBytes;
  private byte[] protobufChatBytes;
  private byte[] protobufBlobBytes;

  private UnsafeBuffer sbeOrderBytes;
  private UnsafeBuffer sbeChatBytes;
  private UnsafeBuffer sbeBlobBytes;

  @Setup
  public void setUp() throws Exception {
    parleyOrder = parley(Model.ORDER);
    parleyChat = parley(Model.CHAT);
    parleyBlob = parley(Model.BLOB);
    parleyOrderBody = body(parleyOrder);
    parleyChatBody = body(parleyChat);
    parleyBlobBody = body(parleyBlob);
    sameBytes(parleyOrderBody, b -> HandWritten.encode(Model.ORDER, b));
    sameBytes(parleyChatBody, b -> HandWritten.encode(Model.CHAT, b));
    sameBytes(parleyBlobBody, b -> HandWritten.encode(Model.BLOB, b));
    check(HandWritten.decodeOrder(parleyOrderBody.duplicate()).equals(Model.ORDER), "hand-written Order");
    check(PARLEY.decode(parleyOrderBody.duplicate()).equals(parleyOrder), "Parley Order");

    protobufOrder = protobuf(Model.ORDER);
    protobufChat = protobuf(Model.CHAT);
    protobufBlob = protobuf(Model.BLOB);
    protobufOrderBytes = protobufOrder.toByteArray();
    protobufChatBytes = protobufChat.toByteArray();
    protobufBlobBytes = protobufBlob.toByteArray();
    check(dev.parley.benchmarks.protobuf.Order.parseFrom(protobufOrderBytes).equals(protobufOrder), "protobuf Order");

    sbeOrderBytes = copy(sbeBuffer, sbe.encode(Model.ORDER, sbeBuffer));
    sbeChatBytes = copy(sbeBuffer, sbe.encode(Model.CHAT, sbeBuffer));
    sbeBlobBytes = copy(sbeBuffer, sbe.encode(Model.BLOB, sbeBuffer));
    check(sbe.decodeOrder(sbeOrderBytes).equals(Model.ORDER), "SBE Order");
    check(sbe.decodeChat(sbeChatBytes).equals(Model.CHAT), "SBE Chat");
    check(Arrays.equals(sbe.decodeBlob(sbeBlobBytes).payload(), Model.BLOB.payload()), "SBE Blob");
  }

  // ---- Order

  @Benchmark
  public ByteBuffer orderParleyEncode() {
    PARLEY.encode(parleyOrder, buffer.clear());
    return buffer;
  }

  @Benchmark
  public BenchMessage orderParleyDecode() throws ProtocolException {
    return PARLEY.decode(parleyOrderBody.clear());
  }

  @Benchmark
  public int orderParleySize() {
    return PARLEY.encodedSize(parleyOrder);
  }

  @Benchmark
  public ByteBuffer orderHandEncode() {
    HandWritten.encode(Model.ORDER, buffer.clear());
    return buffer;
  }

  @Benchmark
  public Model.Order orderHandDecode() {
    return HandWritten.decodeOrder(parleyOrderBody.clear());
  }

  @Benchmark
  public int orderSbeEncode() {
    return sbe.encode(Model.ORDER, sbeBuffer);
  }

  @Benchmark
  public Model.Order orderSbeDecode() {
    return sbe.decodeOrder(sbeOrderBytes);
  }

  @Benchmark
  public int orderProtobufEncode() {
    return writeTo(protobufOrder);
  }

  @Benchmark
  public void orderProtobufDecode(Blackhole blackhole) throws InvalidProtocolBufferException {
    var order = dev.parley.benchmarks.protobuf.Order.parser().parseFrom(protobufOrderBytes);
    blackhole.consume(order.getOrderId());
    blackhole.consume(order.getAccountId());
    blackhole.consume(order.getPrice());
    blackhole.consume(order.getQuantity());
    blackhole.consume(order.getSideValue());
    blackhole.consume(order.getTimestampNanos());
    blackhole.consume(order.getSymbol());
    for (int i = 0; i < order.getFillsCount(); i++) {
      var fill = order.getFills(i);
      blackhole.consume(fill.getPrice());
      blackhole.consume(fill.getQty());
    }
  }

  @Benchmark
  public int orderProtobufSize() {
    return protobufOrder.getSerializedSize();
  }

  // ---- Chat

  @Benchmark
  public ByteBuffer chatParleyEncode() {
    PARLEY.encode(parleyChat, buffer.clear());
    return buffer;
  }

  @Benchmark
  public BenchMessage chatParleyDecode() throws ProtocolException {
    return PARLEY.decode(parleyChatBody.clear());
  }

  @Benchmark
  public int chatParleySize() {
    return PARLEY.encodedSize(parleyChat);
  }

  @Benchmark
  public ByteBuffer chatHandEncode() {
    HandWritten.encode(Model.CHAT, buffer.clear());
    return buffer;
  }

  @Benchmark
  public Model.Chat chatHandDecode() {
    return HandWritten.decodeChat(parleyChatBody.clear());
  }

  @Benchmark
  public int chatSbeEncode() {
    return sbe.encode(Model.CHAT, sbeBuffer);
  }

  @Benchmark
  public Model.Chat chatSbeDecode() {
    return sbe.decodeChat(sbeChatBytes);
  }

  @Benchmark
  public int chatProtobufEncode() {
    return writeTo(protobufChat);
  }

  @Benchmark
  public void chatProtobufDecode(Blackhole blackhole) throws InvalidProtocolBufferException {
    var chat = dev.parley.benchmarks.protobuf.Chat.parser().parseFrom(protobufChatBytes);
    blackhole.consume(chat.getRoomId());
    blackhole.consume(chat.getSenderId());
    blackhole.consume(chat.getText());
  }

  @Benchmark
  public int chatProtobufSize() {
    return protobufChat.getSerializedSize();
  }

  // ---- Blob

  @Benchmark
  public ByteBuffer blobParleyEncode() {
    PARLEY.encode(parleyBlob, buffer.clear());
    return buffer;
  }

  @Benchmark
  public BenchMessage blobParleyDecode() throws ProtocolException {
    return PARLEY.decode(parleyBlobBody.clear());
  }

  @Benchmark
  public int blobParleySize() {
    return PARLEY.encodedSize(parleyBlob);
  }

  @Benchmark
  public ByteBuffer blobHandEncode() {
    HandWritten.encode(Model.BLOB, buffer.clear());
    return buffer;
  }

  @Benchmark
  public Model.Blob blobHandDecode() {
    return HandWritten.decodeBlob(parleyBlobBody.clear());
  }

  @Benchmark
  public int blobSbeEncode() {
    return sbe.encode(Model.BLOB, sbeBuffer);
  }

  @Benchmark
  public Model.Blob blobSbeDecode() {
    return sbe.decodeBlob(sbeBlobBytes);
  }

  @Benchmark
  public int blobProtobufEncode() {
    return writeTo(protobufBlob);
  }

  @Benchmark
  public void blobProtobufDecode(Blackhole blackhole) throws InvalidProtocolBufferException {
    var blob = dev.parley.benchmarks.protobuf.Blob.parser().parseFrom(protobufBlobBytes);
    blackhole.consume(blob.getId());
    blackhole.consume(blob.getPayload());
  }

  @Benchmark
  public int blobProtobufSize() {
    return protobufBlob.getSerializedSize();
  }

  // ---- helpers

  /** protobuf's encode into a reused array: {@code writeTo} a stream over it. */
  private int writeTo(com.google.protobuf.MessageLite message) {
    CodedOutputStream out = CodedOutputStream.newInstance(protobufArray);
    try {
      message.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.getTotalBytesWritten();
  }

  static Order parley(Model.Order order) {
    return new Order(order.orderId(), order.accountId(), order.price(), order.quantity(), Side.fromValue(order.side()),
        order.timestampNanos(), order.symbol(),
        order.fills().stream().map(fill -> new Fill(fill.price(), fill.qty())).toList());
  }

  static Chat parley(Model.Chat chat) {
    return new Chat(chat.roomId(), chat.senderId(), chat.text());
  }

  static Blob parley(Model.Blob blob) {
    return new Blob(blob.id(), Bytes.of(blob.payload()));
  }

  static dev.parley.benchmarks.protobuf.Chat protobuf(Model.Chat chat) {
    return dev.parley.benchmarks.protobuf.Chat.newBuilder()
        .setRoomId(chat.roomId()).setSenderId(chat.senderId()).setText(chat.text()).build();
  }

  static dev.parley.benchmarks.protobuf.Blob protobuf(Model.Blob blob) {
    return dev.parley.benchmarks.protobuf.Blob.newBuilder()
        .setId(blob.id()).setPayload(ByteString.copyFrom(blob.payload())).build();
  }

  static dev.parley.benchmarks.protobuf.Order protobuf(Model.Order order) {
    var builder = dev.parley.benchmarks.protobuf.Order.newBuilder()
        .setOrderId(order.orderId())
        .setAccountId(order.accountId())
        .setPrice(order.price())
        .setQuantity((int) order.quantity())
        .setSideValue(order.side())
        .setTimestampNanos(order.timestampNanos())
        .setSymbol(order.symbol());
    for (Model.Fill fill : order.fills()) {
      builder.addFills(dev.parley.benchmarks.protobuf.Fill.newBuilder().setPrice(fill.price()).setQty((int) fill.qty()));
    }
    return builder.build();
  }

  static ByteBuffer body(BenchMessage message) {
    ByteBuffer body = ByteBuffer.allocate(PARLEY.encodedSize(message));
    PARLEY.encode(message, body);
    return body.flip();
  }

  private static UnsafeBuffer copy(UnsafeBuffer buffer, int length) {
    byte[] bytes = new byte[length];
    buffer.getBytes(0, bytes);
    return new UnsafeBuffer(bytes);
  }

  private static void sameBytes(ByteBuffer expected, java.util.function.Consumer<ByteBuffer> handWritten) {
    ByteBuffer out = ByteBuffer.allocate(expected.remaining());
    handWritten.accept(out);
    check(out.flip().equals(expected.duplicate()), "the hand-written codec must write the same bytes as Parley");
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark set-up failed: " + what);
    }
  }
}

package dev.parley.benchmarks;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.parley.benchmarks.generated.BenchMessage;
import dev.parley.benchmarks.generated.BenchProtocol;
import dev.parley.benchmarks.generated.Blob;
import dev.parley.benchmarks.generated.Chat;
import dev.parley.benchmarks.generated.Fill;
import dev.parley.benchmarks.generated.NulText;
import dev.parley.benchmarks.generated.Order;
import dev.parley.benchmarks.generated.PrefixedText;
import dev.parley.benchmarks.generated.Side;
import dev.parley.benchmarks.generated.SizedText;
import dev.parley.benchmarks.generated.pg.backend.BenchPgBackendMessage;
import dev.parley.benchmarks.generated.pg.backend.BenchPgBackendProtocol;
import dev.parley.benchmarks.generated.pg.backend.DataRow;
import dev.parley.benchmarks.generated.pg.backend.FieldDescription;
import dev.parley.benchmarks.generated.pg.backend.RowDescription;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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
 * the hand-written {@code ByteBuffer} floor, SBE flyweights and protobuf-java; beside them, in
 * Parley only, two of PostgreSQL's result messages ({@code bench_pg_backend.parley}: a DataRow of
 * ten text columns, one NULL, and a RowDescription of five fields) and one string in three
 * encodings ({@code bench.parley}'s PrefixedText, NulText and SizedText, each with a 40-byte and
 * a 200-byte SQL text). Benchmarks are named {@code <message><System><Operation>}:
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
  private static final BenchPgBackendProtocol POSTGRES = BenchPgBackendProtocol.INSTANCE;

  /** 40 bytes of ASCII, a short query. */
  static final String TEXT_40 = "SELECT id, name FROM users WHERE id = $1";
  /** 200 bytes of ASCII, a longer query. */
  static final String TEXT_200 = "SELECT o.id, o.customer_id, o.total_cents, o.state, c.name, c.email FROM orders o"
      + " JOIN customer c ON c.id = o.customer_id WHERE o.state = $1 AND o.created_at >= $2"
      + " ORDER BY o.created_at DESC LIMIT 500";

  private final ByteBuffer buffer = ByteBuffer.allocate(8192);
  /** Where the event loop encodes: its send queues are direct buffers. */
  private final ByteBuffer direct = ByteBuffer.allocateDirect(8192);
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

  private DataRow dataRow;
  private RowDescription rowDescription;
  private ByteBuffer dataRowFrame;
  private ByteBuffer rowDescriptionFrame;

  private PrefixedText prefixed40;
  private PrefixedText prefixed200;
  private NulText nul40;
  private NulText nul200;
  private SizedText sized40;
  private SizedText sized200;
  private ByteBuffer prefixed40Body;
  private ByteBuffer prefixed200Body;
  private ByteBuffer nul40Body;
  private ByteBuffer nul200Body;
  private ByteBuffer sized40Body;
  private ByteBuffer sized200Body;

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

    dataRow = dataRow();
    rowDescription = rowDescription();
    dataRowFrame = frame(dataRow);
    rowDescriptionFrame = frame(rowDescription);
    check(dataRowFrame.equals(PostgresBytes.dataRow(DATA_ROW)), "DataRow must be PostgreSQL's bytes");
    check(rowDescriptionFrame.equals(PostgresBytes.rowDescription(rowDescription)),
        "RowDescription must be PostgreSQL's bytes");
    check(POSTGRES.decode(dataRowFrame.duplicate()).equals(dataRow), "Parley DataRow");
    check(POSTGRES.decode(rowDescriptionFrame.duplicate()).equals(rowDescription), "Parley RowDescription");

    check(TEXT_40.length() == 40 && TEXT_200.length() == 200, "the texts must be 40 and 200 bytes of ASCII");
    prefixed40 = new PrefixedText(TEXT_40);
    prefixed200 = new PrefixedText(TEXT_200);
    nul40 = new NulText(TEXT_40);
    nul200 = new NulText(TEXT_200);
    sized40 = new SizedText(TEXT_40);
    sized200 = new SizedText(TEXT_200);
    prefixed40Body = body(prefixed40);
    prefixed200Body = body(prefixed200);
    nul40Body = body(nul40);
    nul200Body = body(nul200);
    sized40Body = body(sized40);
    sized200Body = body(sized200);
    for (String text : List.of(TEXT_40, TEXT_200)) {
      ByteBuffer prefixed = body(new PrefixedText(text));
      ByteBuffer nul = body(new NulText(text));
      ByteBuffer sized = body(new SizedText(text));
      // After the 2-byte type id: the same u16 count and text in PrefixedText and SizedText; in
      // NulText the text, then one 0x00.
      check(prefixed.slice(2, prefixed.remaining() - 2).equals(sized.slice(2, sized.remaining() - 2)),
          "SizedText must carry PrefixedText's bytes");
      check(nul.remaining() == 2 + text.length() + 1 && nul.get(nul.limit() - 1) == 0
          && nul.slice(2, text.length()).equals(prefixed.slice(4, text.length())),
          "NulText must carry the same text, then 0x00");
      check(PARLEY.decode(prefixed.duplicate()).equals(new PrefixedText(text)), "Parley PrefixedText");
      check(PARLEY.decode(nul.duplicate()).equals(new NulText(text)), "Parley NulText");
      check(PARLEY.decode(sized.duplicate()).equals(new SizedText(text)), "Parley SizedText");
    }
  }

  // ---- Order

  @Benchmark
  public ByteBuffer orderParleyEncode() {
    PARLEY.encode(parleyOrder, buffer.clear());
    return buffer;
  }

  @Benchmark
  public ByteBuffer orderParleyEncodeDirect() {
    PARLEY.encode(parleyOrder, direct.clear());
    return direct;
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
  public ByteBuffer chatParleyEncodeDirect() {
    PARLEY.encode(parleyChat, direct.clear());
    return direct;
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

  // ---- PostgreSQL's DataRow and RowDescription (Parley only)

  @Benchmark
  public ByteBuffer dataRowParleyEncode() {
    POSTGRES.encode(dataRow, buffer.clear());
    return buffer;
  }

  @Benchmark
  public BenchPgBackendMessage dataRowParleyDecode() throws ProtocolException {
    return POSTGRES.decode(dataRowFrame.clear());
  }

  @Benchmark
  public ByteBuffer rowDescriptionParleyEncode() {
    POSTGRES.encode(rowDescription, buffer.clear());
    return buffer;
  }

  @Benchmark
  public BenchPgBackendMessage rowDescriptionParleyDecode() throws ProtocolException {
    return POSTGRES.decode(rowDescriptionFrame.clear());
  }

  // ---- One string, three ways to end it (Parley only)

  @Benchmark
  public ByteBuffer prefixed40ParleyEncode() {
    PARLEY.encode(prefixed40, buffer.clear());
    return buffer;
  }

  @Benchmark
  public BenchMessage prefixed40ParleyDecode() throws ProtocolException {
    return PARLEY.decode(prefixed40Body.clear());
  }

  @Benchmark
  public ByteBuffer nul40ParleyEncode() {
    PARLEY.encode(nul40, buffer.clear());
    return buffer;
  }

  @Benchmark
  public BenchMessage nul40ParleyDecode() throws ProtocolException {
    return PARLEY.decode(nul40Body.clear());
  }

  @Benchmark
  public ByteBuffer sized40ParleyEncode() {
    PARLEY.encode(sized40, buffer.clear());
    return buffer;
  }

  @Benchmark
  public BenchMessage sized40ParleyDecode() throws ProtocolException {
    return PARLEY.decode(sized40Body.clear());
  }

  @Benchmark
  public ByteBuffer prefixed200ParleyEncode() {
    PARLEY.encode(prefixed200, buffer.clear());
    return buffer;
  }

  @Benchmark
  public BenchMessage prefixed200ParleyDecode() throws ProtocolException {
    return PARLEY.decode(prefixed200Body.clear());
  }

  @Benchmark
  public ByteBuffer nul200ParleyEncode() {
    PARLEY.encode(nul200, buffer.clear());
    return buffer;
  }

  @Benchmark
  public BenchMessage nul200ParleyDecode() throws ProtocolException {
    return PARLEY.decode(nul200Body.clear());
  }

  @Benchmark
  public ByteBuffer sized200ParleyEncode() {
    PARLEY.encode(sized200, buffer.clear());
    return buffer;
  }

  @Benchmark
  public BenchMessage sized200ParleyDecode() throws ProtocolException {
    return PARLEY.decode(sized200Body.clear());
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

  /**
   * A row of an orders query in PostgreSQL's text format, as a server sends it: id, customer id,
   * name, email, created at, paid, total, shipped at (NULL), quantity, status.
   */
  static final List<String> DATA_ROW = Arrays.asList("1042", "7", "Ada Lovelace", "ada@example.com",
      "2024-03-15 09:41:27.123456", "t", "129.95", null, "3", "pending");

  static DataRow dataRow() {
    List<Optional<Bytes>> columns = new ArrayList<>();
    for (String column : DATA_ROW) {
      columns.add(column == null ? Optional.empty()
          : Optional.of(Bytes.of(column.getBytes(StandardCharsets.US_ASCII))));
    }
    return new DataRow(columns);
  }

  /**
   * The description of five columns of one table, as {@code SELECT id, customer_id, name, email,
   * created_at FROM customer} gets it: int4, int8, text, varchar(255) and timestamp, text format.
   */
  static RowDescription rowDescription() {
    int table = 16385;
    return new RowDescription(List.of(
        new FieldDescription("id", table, (short) 1, 23, (short) 4, -1, (short) 0),
        new FieldDescription("customer_id", table, (short) 2, 20, (short) 8, -1, (short) 0),
        new FieldDescription("name", table, (short) 3, 25, (short) -1, -1, (short) 0),
        new FieldDescription("email", table, (short) 4, 1043, (short) -1, 255 + 4, (short) 0),
        new FieldDescription("created_at", table, (short) 5, 1114, (short) 8, -1, (short) 0)));
  }

  /** PostgreSQL's bytes of the two messages, written by hand, to check Parley's against. */
  private static final class PostgresBytes {

    private PostgresBytes() {}

    static ByteBuffer dataRow(List<String> columns) {
      ByteBuffer out = ByteBuffer.allocate(1024);
      out.put((byte) 'D').putInt(0).putShort((short) columns.size());
      for (String column : columns) {
        if (column == null) {
          out.putInt(-1);
        } else {
          byte[] bytes = column.getBytes(StandardCharsets.US_ASCII);
          out.putInt(bytes.length).put(bytes);
        }
      }
      return lengthed(out);
    }

    static ByteBuffer rowDescription(RowDescription description) {
      ByteBuffer out = ByteBuffer.allocate(1024);
      out.put((byte) 'T').putInt(0).putShort((short) description.fields().size());
      for (FieldDescription field : description.fields()) {
        out.put(field.name().getBytes(StandardCharsets.US_ASCII)).put((byte) 0)
            .putInt(field.tableOid()).putShort(field.column()).putInt(field.typeOid())
            .putShort(field.typeSize()).putInt(field.typeModifier()).putShort(field.format());
      }
      return lengthed(out);
    }

    /** Fills in the length after the tag (itself and the body) and flips. */
    private static ByteBuffer lengthed(ByteBuffer out) {
      out.putInt(1, out.position() - 1);
      return out.flip();
    }
  }

  static ByteBuffer frame(BenchPgBackendMessage message) {
    ByteBuffer frame = ByteBuffer.allocate(POSTGRES.encodedSize(message));
    POSTGRES.encode(message, frame);
    return frame.flip();
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

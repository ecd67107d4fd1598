package dev.parley.netty;

import dev.parley.examples.kv.KvGenerators;
import dev.parley.examples.kv.KvProtocol;
import dev.parley.protocols.dns.DnsGenerators;
import dev.parley.protocols.dns.DnsProtocol;
import dev.parley.protocols.memcached.MemcachedRequestGenerators;
import dev.parley.protocols.memcached.MemcachedRequestProtocol;
import dev.parley.protocols.modbus.ModbusResponseGenerators;
import dev.parley.protocols.modbus.ModbusResponseProtocol;
import dev.parley.protocols.mqtt.MqttGenerators;
import dev.parley.protocols.mqtt.MqttProtocol;
import dev.parley.protocols.pg.answer.PgEncryptionAnswerGenerators;
import dev.parley.protocols.pg.answer.PgEncryptionAnswerProtocol;
import dev.parley.protocols.pg.backend.PgBackendGenerators;
import dev.parley.protocols.pg.backend.PgBackendProtocol;
import dev.parley.protocols.pg.frontend.PgFrontendGenerators;
import dev.parley.protocols.pg.frontend.PgFrontendProtocol;
import dev.parley.protocols.pg.startup.PgStartupGenerators;
import dev.parley.protocols.pg.startup.PgStartupProtocol;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.FrameWriter;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.RawProtocol;
import dev.parley.testing.Corruption;
import dev.parley.testing.Property;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Function;

/**
 * The protocols the Netty tests run through, one for each frame layout of the schema language,
 * with the generated generators of their messages: the kv example (Parley's u32 prefix), a u16
 * little-endian prefix, PostgreSQL's tagged frames (type id, then a length counting itself), its
 * untagged startup (the length first, then a 32-bit code) and one-byte answers (frames sized by
 * their type id), memcached's 24-byte header with the length in its middle, MQTT's bit fields and
 * varint length, Modbus TCP's length counting what follows it, and DNS over TCP's u16 length.
 */
final class Subjects {

  private Subjects() {}

  /** A protocol, its random messages, their frames, and corrupted frames. */
  record Subject<M>(String name, Protocol<M> protocol, Property.Generator<M> random, Function<M, byte[]> frame,
      Property.Generator<byte[]> corrupt) {

    @Override
    public String toString() {
      return name;
    }
  }

  private static final RawProtocol U16_LITTLE = new RawProtocol(
      FrameFormat.builder().lengthSize(2).byteOrder(ByteOrder.LITTLE_ENDIAN).maxFrameLength(4096).build());

  static List<Subject<?>> all() {
    return List.of(
        new Subject<>("kv", KvProtocol.INSTANCE, KvGenerators::randomKvMessage, KvGenerators::frame,
            KvGenerators::corruptFrame),
        new Subject<>("u16 little-endian prefix", U16_LITTLE, Subjects::randomBytes, m -> frame(U16_LITTLE, m),
            (rnd, size) -> Corruption.corrupt(frame(U16_LITTLE, randomBytes(rnd, size)), U16_LITTLE.frameFormat(), rnd)),
        new Subject<>("pg backend", PgBackendProtocol.INSTANCE, PgBackendGenerators::randomPgBackendMessage,
            PgBackendGenerators::frame, PgBackendGenerators::corruptFrame),
        new Subject<>("pg frontend", PgFrontendProtocol.INSTANCE, PgFrontendGenerators::randomPgFrontendMessage,
            PgFrontendGenerators::frame, PgFrontendGenerators::corruptFrame),
        new Subject<>("pg startup", PgStartupProtocol.INSTANCE, PgStartupGenerators::randomPgStartupMessage,
            PgStartupGenerators::frame, PgStartupGenerators::corruptFrame),
        new Subject<>("pg encryption answer", PgEncryptionAnswerProtocol.INSTANCE,
            PgEncryptionAnswerGenerators::randomPgEncryptionAnswerMessage, PgEncryptionAnswerGenerators::frame,
            PgEncryptionAnswerGenerators::corruptFrame),
        new Subject<>("memcached", MemcachedRequestProtocol.INSTANCE,
            MemcachedRequestGenerators::randomMemcachedRequestMessage, MemcachedRequestGenerators::frame,
            MemcachedRequestGenerators::corruptFrame),
        new Subject<>("mqtt", MqttProtocol.INSTANCE, MqttGenerators::randomMqttMessage, MqttGenerators::frame,
            MqttGenerators::corruptFrame),
        new Subject<>("modbus", ModbusResponseProtocol.INSTANCE, ModbusResponseGenerators::randomModbusResponseMessage,
            ModbusResponseGenerators::frame, ModbusResponseGenerators::corruptFrame),
        new Subject<>("dns", DnsProtocol.INSTANCE, DnsGenerators::randomDnsMessage, DnsGenerators::frame,
            DnsGenerators::corruptFrame));
  }

  private static Bytes randomBytes(java.util.random.RandomGenerator rnd, int size) {
    byte[] body = new byte[rnd.nextInt(1 + 20 * size)];
    rnd.nextBytes(body);
    if (body.length > 0 && body[0] == (byte) 0xEE) {
      body[0] = 0; // RawProtocol refuses bodies that start so
    }
    return Bytes.of(body);
  }

  /** {@code message}'s frame as the runtime's writer writes it. */
  static <M> byte[] frame(Protocol<M> protocol, M message) {
    FrameWriter<M> writer = new FrameWriter<>(protocol);
    int size = writer.frameSize(message);
    ByteBuffer out = ByteBuffer.allocate(size);
    writer.writeFrame(message, size, out);
    return out.array();
  }
}

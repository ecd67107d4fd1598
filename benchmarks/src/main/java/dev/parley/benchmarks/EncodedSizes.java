package dev.parley.benchmarks;

import dev.parley.benchmarks.generated.BenchProtocol;
import dev.parley.benchmarks.generated.pg.backend.BenchPgBackendProtocol;
import java.util.Locale;
import org.agrona.concurrent.UnsafeBuffer;

/** How many bytes each system writes for each message (Parley's type id and SBE's header included). */
final class EncodedSizes {

  private EncodedSizes() {}

  static String describe() {
    UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
    SbeCodecs sbe = new SbeCodecs();
    return String.format(Locale.ROOT,
        "Order: Parley %d, SBE %d, protobuf %d; Chat: Parley %d, SBE %d, protobuf %d; Blob: Parley %d, SBE %d, protobuf %d"
            + " (Parley's body includes its 2-byte type id, SBE's its 8-byte header; protobuf has no type id).",
        BenchProtocol.INSTANCE.encodedSize(CodecBenchmark.parley(Model.ORDER)), sbe.encode(Model.ORDER, buffer),
        CodecBenchmark.protobuf(Model.ORDER).getSerializedSize(),
        BenchProtocol.INSTANCE.encodedSize(CodecBenchmark.parley(Model.CHAT)), sbe.encode(Model.CHAT, buffer),
        CodecBenchmark.protobuf(Model.CHAT).getSerializedSize(),
        BenchProtocol.INSTANCE.encodedSize(CodecBenchmark.parley(Model.BLOB)), sbe.encode(Model.BLOB, buffer),
        CodecBenchmark.protobuf(Model.BLOB).getSerializedSize());
  }

  /** Parley's Order body, type id included. */
  static int order() {
    return BenchProtocol.INSTANCE.encodedSize(CodecBenchmark.parley(Model.ORDER));
  }

  /** Parley's Chat body, type id included. */
  static int chat() {
    return BenchProtocol.INSTANCE.encodedSize(CodecBenchmark.parley(Model.CHAT));
  }

  /** The whole DataRow frame, PostgreSQL's tag and length included. */
  static int dataRow() {
    return BenchPgBackendProtocol.INSTANCE.encodedSize(CodecBenchmark.dataRow());
  }

  /** The whole RowDescription frame, PostgreSQL's tag and length included. */
  static int rowDescription() {
    return BenchPgBackendProtocol.INSTANCE.encodedSize(CodecBenchmark.rowDescription());
  }
}

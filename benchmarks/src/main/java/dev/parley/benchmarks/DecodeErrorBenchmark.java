package dev.parley.benchmarks;

import dev.parley.benchmarks.generated.BenchMessage;
import dev.parley.benchmarks.generated.BenchProtocol;
import dev.parley.benchmarks.generated.Leg;
import dev.parley.benchmarks.generated.Route;
import dev.parley.benchmarks.generated.Waypoint;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

/**
 * What rejecting a frame costs next to accepting it: the same Route body (16 legs of two
 * waypoints), valid, and with the {@code stop} bool of the last leg's last waypoint set to 2, so
 * that the error is found at the end of the frame, three values deep
 * ({@code Route.legs[15].to.stop}). The target: rejecting costs at most a few times decoding.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DecodeErrorBenchmark {

  private static final BenchProtocol PARLEY = BenchProtocol.INSTANCE;

  private ByteBuffer valid;
  private ByteBuffer invalid;

  @Setup
  public void setUp() throws ProtocolException {
    List<Leg> legs = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      legs.add(new Leg(i, new Waypoint(48.85 + i, 2.35, false), new Waypoint(45.76, 4.83 + i, i % 2 == 0)));
    }
    Route route = new Route(7, "Paris to Lyon", legs);
    valid = CodecBenchmark.body(route);
    invalid = ByteBuffer.allocate(valid.remaining()).put(valid.duplicate()).flip();
    invalid.put(invalid.limit() - 1, (byte) 2); // the last byte: legs[15].to.stop
    if (!route.equals(PARLEY.decode(valid.duplicate()))) {
      throw new AssertionError("the valid body does not round-trip");
    }
    try {
      PARLEY.decode(invalid.duplicate());
      throw new AssertionError("the invalid body decodes");
    } catch (MalformedFrameException e) {
      if (!e.getMessage().startsWith("Route.legs[15].to.stop: bool must be 0 or 1, found 2")) {
        throw new AssertionError("unexpected error: " + e.getMessage(), e);
      }
    }
  }

  @Benchmark
  public BenchMessage decodeValid() throws ProtocolException {
    return PARLEY.decode(valid.duplicate());
  }

  /** Returns the exception, so that JMH keeps it (and its path and message) alive. */
  @Benchmark
  public Object decodeInvalid() {
    try {
      return PARLEY.decode(invalid.duplicate());
    } catch (ProtocolException e) {
      return e;
    }
  }

  /** The same, with the message built, as a log line or a reply to the peer would need it. */
  @Benchmark
  public Object decodeInvalidAndDescribe() {
    try {
      return PARLEY.decode(invalid.duplicate());
    } catch (ProtocolException e) {
      return e.getMessage();
    }
  }
}

package dev.parley.protocols.modbus;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.Conversation;
import dev.parley.runtime.ProtocolException;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A Modbus TCP client of one connection and one unit id. Requests may be pipelined from any
 * thread: each gets a transaction id of its own, and its response is matched to it by that id,
 * whatever order the server answers in. Every method returns at once with a future, which
 * completes with the values, or exceptionally with a {@link ModbusException} for an exception
 * response (its {@link ModbusException#exceptionCode()}), a {@link java.util.concurrent.TimeoutException}
 * when no response came within the timeout (a late response is then dropped), a
 * {@link ProtocolException} when the response does not answer the request, or an
 * {@link IOException} when the connection closed first. Futures complete on the client's reading
 * thread: a dependent stage that blocks holds up every other response.
 *
 * <pre>{@code
 * try (ModbusClient client = ModbusClient.connect(address, 1, Duration.ofSeconds(5))) {
 *   client.writeRegisters(100, List.of(1, 2, 3)).get(5, SECONDS);
 *   List<Integer> values = client.readHoldingRegisters(100, 3).get(5, SECONDS);
 * }
 * }</pre>
 */
public final class ModbusClient implements Closeable {

  /** A request, given the transaction id and unit id the client chose for it. */
  @FunctionalInterface
  public interface Request {
    /** The request with these ids in its MBAP header. */
    ModbusRequestMessage with(int transactionId, int unitId);
  }

  private static final Conversation<ModbusResponseMessage, ModbusRequestMessage> CLIENT =
      Conversation.of(ModbusResponseProtocol.INSTANCE, ModbusRequestProtocol.INSTANCE);

  private final BlockingConnection<ModbusResponseMessage, ModbusRequestMessage> connection;
  private final int unitId;
  private final Duration timeout;
  private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger();
  private volatile IOException closed;

  /** A request on its way: what was asked, and the future of its response. */
  private record Pending(int functionCode, CompletableFuture<ModbusResponseMessage> response) {}

  private ModbusClient(BlockingConnection<ModbusResponseMessage, ModbusRequestMessage> connection, int unitId,
      Duration timeout) {
    this.connection = connection;
    this.unitId = unitId;
    this.timeout = timeout;
  }

  /**
   * Connects to the server at {@code address}, to address unit {@code unitId} (0 to 255; a plain
   * Modbus TCP server answers any), waiting at most {@code timeout} to connect and then for each
   * response.
   *
   * @throws IOException if it cannot connect
   */
  public static ModbusClient connect(InetSocketAddress address, int unitId, Duration timeout) throws IOException {
    if (unitId < 0 || unitId > 255) {
      throw new IllegalArgumentException("unitId " + unitId + " is not a u8 (0 to 255)");
    }
    Objects.requireNonNull(timeout, "timeout");
    ModbusClient client = new ModbusClient(BlockingConnection.connect(address, CLIENT, timeout), unitId, timeout);
    Thread reader = new Thread(client::readResponses, "modbus-client " + address);
    reader.setDaemon(true);
    reader.start();
    return client;
  }

  /** Function 1: {@code quantity} coils (1 to 2000) from {@code address}. */
  public CompletableFuture<List<Boolean>> readCoils(int address, int quantity) {
    return call((id, unit) -> new ReadCoils(id, unit, address, quantity),
        r -> Coils.unpack(((ReadCoilsResponse) r).status(), quantity));
  }

  /** Function 2: {@code quantity} discrete inputs (1 to 2000) from {@code address}. */
  public CompletableFuture<List<Boolean>> readDiscreteInputs(int address, int quantity) {
    return call((id, unit) -> new ReadDiscreteInputs(id, unit, address, quantity),
        r -> Coils.unpack(((ReadDiscreteInputsResponse) r).status(), quantity));
  }

  /** Function 3: {@code quantity} holding registers (1 to 125) from {@code address}. */
  public CompletableFuture<List<Integer>> readHoldingRegisters(int address, int quantity) {
    return call((id, unit) -> new ReadHoldingRegisters(id, unit, address, quantity),
        r -> count(((ReadHoldingRegistersResponse) r).registers().values(), quantity));
  }

  /** Function 4: {@code quantity} input registers (1 to 125) from {@code address}. */
  public CompletableFuture<List<Integer>> readInputRegisters(int address, int quantity) {
    return call((id, unit) -> new ReadInputRegisters(id, unit, address, quantity),
        r -> count(((ReadInputRegistersResponse) r).registers().values(), quantity));
  }

  /** Function 5: turns the coil at {@code address} on or off. */
  public CompletableFuture<Void> writeCoil(int address, boolean on) {
    int value = on ? ModbusRequestConstants.COIL_ON : ModbusRequestConstants.COIL_OFF;
    return call((id, unit) -> new WriteSingleCoil(id, unit, address, value), r -> null);
  }

  /** Function 6: sets the holding register at {@code address} to {@code value} (0 to 65535). */
  public CompletableFuture<Void> writeRegister(int address, int value) {
    return call((id, unit) -> new WriteSingleRegister(id, unit, address, value), r -> null);
  }

  /** Function 15: sets the coils from {@code address} to {@code values} (1 to 1968 of them). */
  public CompletableFuture<Void> writeCoils(int address, List<Boolean> values) {
    return call((id, unit) -> new WriteMultipleCoils(id, unit, address, values.size(), Coils.pack(values)), r -> null);
  }

  /** Function 16: sets the holding registers from {@code address} to {@code values} (1 to 123 of them). */
  public CompletableFuture<Void> writeRegisters(int address, List<Integer> values) {
    Registers registers = new Registers(values);
    return call((id, unit) -> new WriteMultipleRegisters(id, unit, address, values.size(), registers), r -> null);
  }

  /**
   * Sends {@code request} with the next transaction id and this client's unit id, and completes
   * with its response as it came, an exception response included, checked only for answering
   * the request's function (the escape hatch for requests the methods above do not make).
   *
   * @throws IllegalArgumentException if the request does not build (a value out of its range)
   */
  public CompletableFuture<ModbusResponseMessage> exchange(Request request) {
    return send(request);
  }

  private <T> CompletableFuture<T> call(Request request, Function<ModbusResponseMessage, T> values) {
    return send(request).thenCompose(response -> {
      Optional<ModbusException> refused = ModbusException.of(response);
      if (refused.isPresent()) {
        return CompletableFuture.failedFuture(refused.get());
      }
      try {
        return CompletableFuture.completedFuture(values.apply(response));
      } catch (IllegalArgumentException e) {
        return CompletableFuture.failedFuture(new ProtocolException("transaction " + response.transactionId()
            + ": the response does not answer its request: " + e.getMessage(), 8));
      }
    });
  }

  private CompletableFuture<ModbusResponseMessage> send(Request request) {
    CompletableFuture<ModbusResponseMessage> response = new CompletableFuture<>();
    int id = reserve(response);
    ModbusRequestMessage message;
    try {
      message = request.with(id, unitId);
    } catch (RuntimeException e) {
      pending.remove(id);
      throw e;
    }
    pending.put(id, new Pending(message.typeId(), response));
    response.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((r, e) -> pending.remove(id));
    IOException gone = closed;
    if (gone != null) {
      response.completeExceptionally(gone);
      return response;
    }
    try {
      connection.send(message);
    } catch (IOException e) {
      response.completeExceptionally(e);
    }
    return response;
  }

  /** A transaction id not in flight, held for {@code response}: the counter's next, skipping those still waiting. */
  private int reserve(CompletableFuture<ModbusResponseMessage> response) {
    Pending placeholder = new Pending(-1, response);
    for (int tries = 0; tries <= 0xFFFF; tries++) {
      int id = nextId.getAndIncrement() & 0xFFFF;
      if (pending.putIfAbsent(id, placeholder) == null) {
        return id;
      }
    }
    throw new IllegalStateException("65536 requests in flight: every transaction id is taken");
  }

  /** The reading thread: hands each response to the request of its transaction id, until the connection ends. */
  private void readResponses() {
    IOException end;
    try {
      for (Optional<ModbusResponseMessage> m = connection.receive(); m.isPresent(); m = connection.receive()) {
        ModbusResponseMessage response = m.get();
        Pending request = pending.get(response.transactionId());
        if (request == null) {
          continue; // a response after its request timed out, or to no request: dropped
        }
        int function = response.typeId() & 0x7F;
        if (function == request.functionCode()) {
          request.response().complete(response);
        } else {
          request.response().completeExceptionally(new ProtocolException("transaction " + response.transactionId()
              + " asked for function " + request.functionCode() + " and was answered for function " + function, 7));
        }
      }
      end = new IOException("the server closed the connection");
    } catch (IOException e) {
      end = e;
    }
    fail(end);
  }

  private void fail(IOException cause) {
    if (closed == null) {
      closed = cause;
    }
    for (Pending request : new ArrayList<>(pending.values())) {
      request.response().completeExceptionally(closed);
    }
    try {
      connection.close();
    } catch (IOException ignored) {
      // closing after the end: nothing is left to lose
    }
  }

  /** {@code values} if it holds {@code quantity} registers; a response with another count answers no such read. */
  private static List<Integer> count(List<Integer> values, int quantity) {
    if (values.size() != quantity) {
      throw new IllegalArgumentException(quantity + " registers asked for, " + values.size() + " returned");
    }
    return values;
  }

  /** Closes the connection; requests still waiting fail with an {@link IOException}. */
  @Override
  public void close() throws IOException {
    fail(new IOException("the client was closed"));
  }
}

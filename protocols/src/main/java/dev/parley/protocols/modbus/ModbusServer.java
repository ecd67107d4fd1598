package dev.parley.protocols.modbus;

import dev.parley.protocols.modbus.ServerFrames.IllegalFunction;
import dev.parley.protocols.modbus.ServerFrames.Incoming;
import dev.parley.protocols.modbus.ServerFrames.Outgoing;
import dev.parley.protocols.modbus.ServerFrames.Request;
import dev.parley.protocols.modbus.ServerFrames.Response;
import dev.parley.protocols.modbus.ServerFrames.UnsupportedFunction;
import dev.parley.runtime.Connection;
import dev.parley.runtime.ConnectionOptions;
import dev.parley.runtime.Handler;
import dev.parley.runtime.ListenOptions;
import dev.parley.runtime.nio.EventLoop;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A Modbus TCP server on one event loop, holding coils and holding registers in memory: functions
 * 1 to 6, 15 and 16, and the exception responses ILLEGAL FUNCTION for any other function code,
 * ILLEGAL DATA VALUE for a quantity out of range, a coil value other than 0xFF00 and 0x0000 or a
 * byte count that disagrees with the quantity, and ILLEGAL DATA ADDRESS for entries past a
 * table. Every connection shares the one memory; its requests are answered in the order they
 * came, each with its transaction id and unit id, whatever the unit id. A connection that sends
 * a frame that is not Modbus TCP (a protocol id other than 0, a length that cannot hold a
 * function code, a request whose data does not match its function), or ends inside a frame, is
 * closed after the answers to the requests before it.
 */
public final class ModbusServer implements Closeable {

  /** How long {@link #close()} lets queued responses leave. */
  private static final Duration DRAIN = Duration.ofSeconds(2);

  private final EventLoop loop;
  private final InetSocketAddress address;

  private ModbusServer(EventLoop loop, InetSocketAddress address) {
    this.loop = loop;
    this.address = address;
  }

  /**
   * Starts a server listening on {@code bind} (port 0 for any free port) with {@code coils} coils
   * and {@code registers} holding registers, all 0.
   *
   * @throws IllegalArgumentException if a size is outside 0 to 65536, the addresses a u16 reaches
   * @throws IOException if it cannot listen there
   */
  public static ModbusServer start(InetSocketAddress bind, int coils, int registers) throws IOException {
    ModbusDevice device = new ModbusDevice(coils, registers);
    EventLoop loop = EventLoop.start("modbus-server");
    try {
      InetSocketAddress bound = loop.listen(bind, ServerFrames.SERVER, () -> new Session(device),
          ConnectionOptions.defaults(), ListenOptions.defaults());
      return new ModbusServer(loop, bound);
    } catch (IOException | RuntimeException e) {
      loop.close();
      throw e;
    }
  }

  /** The address listened on, with its actual port. */
  public InetSocketAddress address() {
    return address;
  }

  /** Stops accepting, lets queued responses leave for up to two seconds, and closes every connection. */
  @Override
  public void close() {
    loop.close(DRAIN);
  }

  /** One connection: its requests, answered from the shared memory on the loop's thread. */
  private static final class Session implements Handler<Incoming, Outgoing> {
    private final ModbusDevice device;

    Session(ModbusDevice device) {
      this.device = device;
    }

    @Override
    public void onMessage(Connection<Incoming, Outgoing> connection, Incoming message) {
      if (message instanceof Request r) {
        connection.send(new Response(device.answer(r.message())));
      } else if (message instanceof UnsupportedFunction u) {
        connection.send(new IllegalFunction(u));
      }
    }
  }
}

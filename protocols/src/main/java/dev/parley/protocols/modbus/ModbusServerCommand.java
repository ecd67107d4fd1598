package dev.parley.protocols.modbus;

import dev.parley.protocols.Serving;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code modbus-server}: a {@link ModbusServer} until SIGTERM. */
@Command(name = "modbus-server", mixinStandardHelpOptions = true,
    description = "A Modbus TCP server with coils and holding registers in memory, all 0 at the start: "
        + "functions 1 to 6, 15 and 16; discrete inputs read the coils, input registers the holding registers.")
public final class ModbusServerCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--port", description = "The TCP port; 0 for any free port (default: ${DEFAULT-VALUE}).")
  private int port = 5020;

  @Option(names = "--bind", description = "The address to listen on (default: ${DEFAULT-VALUE}).")
  private String bind = "127.0.0.1";

  @Option(names = "--coils", description = "Coils, at addresses 0 to N-1, at most 65536 (default: ${DEFAULT-VALUE}).")
  private int coils = 10_000;

  @Option(names = "--registers",
      description = "Holding registers, at addresses 0 to N-1, at most 65536 (default: ${DEFAULT-VALUE}).")
  private int registers = 10_000;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port " + port + ": a port is 0 to 65535");
    }
    for (int size : new int[] {coils, registers}) {
      if (size < 0 || size > ModbusDevice.MAX_TABLE) {
        throw new ParameterException(spec.commandLine(),
            "--coils and --registers take 0 to " + ModbusDevice.MAX_TABLE + ", the addresses a u16 reaches; got " + size);
      }
    }
    ModbusServer server = ModbusServer.start(new InetSocketAddress(bind, port), coils, registers);
    InetSocketAddress at = server.address();
    spec.commandLine().getOut().printf("modbus-server listening on %s:%d (%d coils, %d registers)%n",
        at.getAddress().getHostAddress(), at.getPort(), coils, registers);
    spec.commandLine().getOut().flush();
    return Serving.untilTerminated("modbus-server", server::close);
  }
}

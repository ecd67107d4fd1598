package dev.parley.protocols.modbus;

import static dev.parley.protocols.modbus.ModbusServerTest.TIMEOUT;
import static dev.parley.protocols.modbus.ModbusServerTest.await;
import static dev.parley.protocols.modbus.ModbusServerTest.exceptionCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocols.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code modbus-server} as a command: its options and help, and a real process of the servers'
 * main class that serves ModbusClient and stops cleanly on SIGTERM.
 */
class ModbusServerCommandTest {

  private static String run(int expectedExit, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line = new CommandLine(new ModbusServerCommand());
    line.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    assertEquals(expectedExit, line.execute(args), () -> out + "\n" + err);
    return out + err.toString();
  }

  @Test
  void helpNamesEveryOption() {
    String help = run(0, "--help");
    for (String option : List.of("--port", "--bind", "--coils", "--registers", "--help", "127.0.0.1", "10000")) {
      assertTrue(help.contains(option), () -> option + " missing from\n" + help);
    }
  }

  @Test
  void tablesBeyondWhatAU16AddressesAreRefused() {
    assertTrue(run(2, "--coils", "65537").contains("65536"));
    assertTrue(run(2, "--registers", "-1").contains("65536"));
    assertTrue(run(2, "--port", "70000").contains("--port"));
  }

  @Test
  void theServersMainClassRegistersIt() {
    assertEquals(0, Main.run("modbus-server", "--help"));
  }

  @Test
  void aServerProcessServesAndStopsOnSigterm() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "modbus-server", "--port", "0", "--coils", "16", "--registers", "8")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String first = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).get(30, TimeUnit.SECONDS);
      Matcher listening = Pattern.compile("modbus-server listening on 127\\.0\\.0\\.1:(\\d+) \\(16 coils, 8 registers\\)")
          .matcher(String.valueOf(first));
      assertTrue(listening.matches(), first);
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(listening.group(1)));
      try (ModbusClient client = ModbusClient.connect(address, 1, TIMEOUT)) {
        await(client.writeRegister(7, 0xBEEF));
        assertEquals(List.of(0xBEEF), await(client.readHoldingRegisters(7, 1)));
        assertEquals(2, exceptionCode(client.readHoldingRegisters(8, 1)));
        assertEquals(2, exceptionCode(client.writeCoil(16, true)));
      }
      process.destroy(); // SIGTERM
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stopped on SIGTERM");
      assertEquals(128 + 15, process.exitValue(), "the JVM's exit on SIGTERM, after the shutdown hook");
      assertThrows(IOException.class, () -> new Socket(address.getAddress(), address.getPort()).close(),
          "the port is closed");
    } finally {
      process.destroyForcibly();
    }
  }
}

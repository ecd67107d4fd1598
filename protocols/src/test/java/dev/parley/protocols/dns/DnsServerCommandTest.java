package dev.parley.protocols.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocols.Main;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code dns-server} from the command line: its help, a zone that does not read, and a real
 * process that serves a zone and stops cleanly on SIGTERM.
 */
class DnsServerCommandTest {

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line = new CommandLine(new DnsServerCommand());
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    int status = line.execute(args);
    return new String[] {String.valueOf(status), out.toString(), err.toString()};
  }

  @Test
  void saysItsOptions() {
    assertTrue(List.of(Main.class.getAnnotation(CommandLine.Command.class).subcommands())
        .contains(DnsServerCommand.class), "the jar's Main has dns-server");
    String[] help = run("--help");
    assertEquals("0", help[0]);
    for (String option : List.of("--zone=FILE", "--port=N", "--bind=ADDR", "default: 10053", "default: 127.0.0.1")) {
      assertTrue(help[1].contains(option), option + " in\n" + help[1]);
    }
  }

  @Test
  void printsTheProblemsOfAZoneThatDoesNotReadAndExits1(@TempDir Path dir) throws Exception {
    Path zone = dir.resolve("bad.zone");
    Files.writeString(zone, "$ORIGIN t.\n$TTL 60\nwww A 192.0.2.999\nmx MX ten mail\n");
    String[] result = run("--zone", zone.toString(), "--port", "0");
    assertEquals("1", result[0]);
    assertEquals(zone + ":3: error: A address '192.0.2.999' is not an IPv4 address (four decimal octets, as"
        + " 192.0.2.1)\n" + zone + ":4: error: MX preference 'ten' is not a number from 0 to 65535\n", result[2]);
  }

  @Test
  void servesAZoneInItsOwnProcessAndStopsOnSigterm(@TempDir Path dir) throws Exception {
    Path zone = dir.resolve("parley.zone");
    Files.writeString(zone, TestZone.text());
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "dns-server", "--zone", zone.toString(), "--port", "0", "--bind", "127.0.0.1")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).get(30, TimeUnit.SECONDS);
      Matcher m = Pattern.compile("dns-server listening on 127\\.0\\.0\\.1:(\\d+) \\(TCP\\), zone parley\\.test\\., 18"
          + " records").matcher(line);
      assertTrue(m.matches(), line);
      try (DnsClient client = DnsClient.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))),
          Duration.ofSeconds(10))) {
        Message answer = client.query(DnsName.parse("www.parley.test."), DnsConstants.TYPE_A);
        assertEquals(List.of("www.parley.test. 300 A 192.0.2.10"),
            answer.answers().stream().map(DnsResponderTest::show).toList());
      }
      process.destroy(); // SIGTERM
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the server stops within 30 s of SIGTERM");
      assertEquals(143, process.exitValue(), "128 + SIGTERM, after the shutdown hook ran");
    } finally {
      process.destroyForcibly();
    }
  }
}

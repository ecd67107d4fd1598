package dev.parley.protocols.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocols.Main;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code parley-protocols pg-server}: its help, and a run in a JVM of its own that SIGTERM stops cleanly. */
@Timeout(90)
class PgServerCommandTest {

  @Test
  void helpSaysTheOptionsAndTheirDefaults() {
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.run("pg-server", "--help");
    } finally {
      System.setOut(stdout);
    }
    String help = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " "); // as read, not as wrapped
    assertEquals(0, code);
    for (String expected : List.of("--port=N", "default: 15432", "--bind=ADDR", "default: 127.0.0.1", "--password=P",
        "--auth=METHOD", "scram-sha-256", "psql -h 127.0.0.1 -p 15432 -U postgres")) {
      assertTrue(help.contains(expected), () -> "no '" + expected + "' in:\n" + help);
    }
  }

  @Test
  void theServerRunsFromTheCommandLineAndStopsCleanlyOnSigterm() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "pg-server", "--port", "0", "--password", "cli-secret", "--auth", "md5")
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine(); // the JVM's bounded by the test's timeout
      Matcher listening = Pattern.compile("pg-server: listening on 127\\.0\\.0\\.1:(\\d+) \\(md5\\)").matcher(
          String.valueOf(line));
      assertTrue(listening.matches(), line);
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(listening.group(1)));
      try (PgClient client = PgClient.connect(address, "postgres", "cli-secret", "postgres")) {
        assertEquals("SELECT 1", client.query("SELECT 1").get(0).tag());
      }
      process.toHandle().destroy(); // SIGTERM; Process.destroy would also close the streams read here
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "pg-server did not stop within 30 s of SIGTERM");
      assertEquals("pg-server: stopped", out.readLine());
      assertEquals(143, process.exitValue(), "128 + SIGTERM, after the shutdown hook ran");
    } finally {
      process.destroyForcibly();
    }
  }
}

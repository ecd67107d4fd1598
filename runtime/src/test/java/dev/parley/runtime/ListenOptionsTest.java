package dev.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The defaults of a listener. */
class ListenOptionsTest {

  @Test
  @EnabledOnOs(OS.LINUX)
  void defaultBacklogIsTheWholeOfTheSystemMaximum() throws IOException {
    Path somaxconn = Path.of("/proc/sys/net/core/somaxconn");
    assumeTrue(Files.isReadable(somaxconn), "no " + somaxconn);
    // A BufferedReader reads the file in one read from offset 0, as the kernel needs.
    int expected = Integer.parseInt(Files.readAllLines(somaxconn).get(0).trim());
    assumeTrue(expected > 9, "a one-digit maximum cannot tell a whole read from a partial one");
    assertEquals(expected, ListenOptions.defaults().backlog());
  }
}

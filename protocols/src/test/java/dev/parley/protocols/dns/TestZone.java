package dev.parley.protocols.dns;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The zone of the DNS tests, {@code parley.zone}: dnsmasq's records in CI, and a few more. */
final class TestZone {

  private TestZone() {}

  /** The text of {@code parley.zone}. */
  static String text() {
    try (InputStream in = TestZone.class.getResourceAsStream("parley.zone")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code parley.zone}, read. */
  static Zone load() {
    try {
      return Zone.parse("parley.zone", text());
    } catch (ZoneFileException e) {
      throw new AssertionError("the tests' zone does not read:\n" + e.getMessage(), e);
    }
  }

  static DnsName name(String text) {
    return DnsName.parse(text);
  }
}

package dev.parley.protocols.dns;

import dev.parley.protocols.Serving;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dns-server}: serves a zone file over TCP until SIGTERM or Ctrl-C, which stop it with a
 * drain of the answers already queued. A zone file that does not read is exit status 1, with its
 * problems on standard error.
 */
@Command(name = "dns-server", mixinStandardHelpOptions = true,
    description = {"An authoritative DNS server over TCP for one zone in master-file format (RFC 1035 5).",
        "Try it: dig +tcp @127.0.0.1 -p PORT www.example.test A"})
public final class DnsServerCommand implements Callable<Integer> {

  /** The default port: DNS's 53 plus 10000, so as to need no privilege and take no real server's port. */
  static final int DEFAULT_PORT = 10053;

  @Option(names = "--zone", paramLabel = "FILE", required = true,
      description = "The zone to serve, a master file: $ORIGIN, $TTL, A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT.")
  Path zoneFile;

  @Option(names = "--port", paramLabel = "N", defaultValue = "" + DEFAULT_PORT,
      description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 for any free port).")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Zone zone;
    try {
      zone = Zone.parse(zoneFile);
    } catch (ZoneFileException e) {
      PrintWriter err = spec.commandLine().getErr();
      e.problems().forEach(err::println);
      err.flush();
      return 1;
    }
    DnsServer server = DnsServer.builder(zone).start(new InetSocketAddress(bind, port));
    InetSocketAddress address = server.address();
    out.printf("dns-server listening on %s:%d (TCP), zone %s, %d records%n", address.getHostString(),
        address.getPort(), zone.apex(), zone.records().size());
    out.flush();
    return Serving.untilTerminated("dns-server", () -> server.close(Duration.ofSeconds(1)));
  }
}

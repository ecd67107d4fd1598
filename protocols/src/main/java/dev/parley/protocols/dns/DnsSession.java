package dev.parley.protocols.dns;

import dev.parley.runtime.Connection;
import dev.parley.runtime.Handler;

/**
 * One TCP connection of a {@link DnsServer}: each query is answered as it arrives, on the event
 * loop's thread, so pipelined queries are answered in order (RFC 7766 6.2.1.1 would allow any
 * order; the answers carry the queries' ids either way).
 */
final class DnsSession implements Handler<DnsRequest, DnsMessage> {

  private final DnsResponder responder;

  DnsSession(DnsResponder responder) {
    this.responder = responder;
  }

  @Override
  public void onMessage(Connection<DnsRequest, DnsMessage> connection, DnsRequest request) {
    responder.respond(request).ifPresent(connection::send);
  }
}

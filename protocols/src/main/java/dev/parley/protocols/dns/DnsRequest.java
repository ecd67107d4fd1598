package dev.parley.protocols.dns;

import dev.parley.runtime.MalformedFrameException;

/**
 * A DNS message as a server receives it: parsed whole, or with a header that reads and a rest
 * that does not, which the server still answers (FORMERR, or NOTIMP for an opcode it does not
 * know, whose sections it need not read) by the header's id.
 */
sealed interface DnsRequest {

  /** The header's id, which the answer carries. */
  int id();

  /** The header's flags. */
  DnsFlags flags();

  /** A message that decoded. */
  record Parsed(Message message) implements DnsRequest {
    @Override
    public int id() {
      return message.id();
    }

    @Override
    public DnsFlags flags() {
      return message.flags();
    }
  }

  /**
   * A message of at least a header whose sections do not decode.
   *
   * @param problem why it does not decode
   */
  record Unparsed(int id, DnsFlags flags, MalformedFrameException problem) implements DnsRequest {}
}

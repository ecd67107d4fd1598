package dev.parley.protocols.dns;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an authoritative server answers from one {@link Zone}, as RFC 1034 4.3.2 says for a zone
 * without delegations or wildcards: the records of the name and type asked, following CNAMEs
 * inside the zone (every alias of the chain, then the records at its end); NXDOMAIN for a name
 * the zone does not have, NOERROR without answers for a type the name does not have, both with
 * the SOA, if the zone has one, as the authority of the negative answer (RFC 2308 3); REFUSED for
 * a name outside the zone or a class other than IN. FORMERR for a query whose sections do not
 * decode, whose question count is not 1 (RFC 9619), with more than one OPT record or an OPT not
 * at the root (RFC 6891 6.1.1), or asking for type OPT; NOTIMP for an opcode other than QUERY and
 * for zone transfers (AXFR, IXFR) and MAILA/MAILB. A query with EDNS0 gets an OPT record back,
 * and BADVERS for a version other than 0. A response (QR set) is never answered. Stateless.
 */
final class DnsResponder {

  /** The QTYPEs that only a question holds (RFC 1035 3.2.3, RFC 1995). */
  static final int IXFR = 251;
  static final int AXFR = 252;
  static final int MAILB = 253;
  static final int MAILA = 254;
  static final int ANY = 255;

  /** QCLASS * (RFC 1035 3.2.5). */
  static final int CLASS_ANY = 255;

  /** The longest chain of CNAMEs followed; a longer one, like a loop, is SERVFAIL (RFC 1034 3.6.2). */
  static final int MAX_CHAIN = 16;

  /** The UDP payload size this server states in its OPT records (the DNS flag day 2020's 1232). */
  static final int UDP_PAYLOAD_SIZE = 1232;

  /** BADVERS, the extended rcode 16 (RFC 6891 9): 0 in the header's four bits, 1 in the OPT's upper eight. */
  static final int BADVERS = 16;

  private static final int MAX_MESSAGE = 0xFFFF;

  private final Zone zone;

  DnsResponder(Zone zone) {
    this.zone = zone;
  }

  /** The answer to {@code request}, or empty when it is a response, which gets none. */
  Optional<Message> respond(DnsRequest request) {
    DnsFlags flags = request.flags();
    if (flags.qr()) {
      return Optional.empty(); // answering a response could set two servers answering each other
    }
    if (flags.opcode() != 0) {
      return Optional.of(reply(request.id(), flags, false, Rcode.NOTIMP, List.of(), List.of(), List.of(), null));
    }
    if (!(request instanceof DnsRequest.Parsed parsed)) {
      return Optional.of(reply(request.id(), flags, false, Rcode.FORMERR, List.of(), List.of(), List.of(), null));
    }
    return Optional.of(answer(parsed.message()));
  }

  private Message answer(Message query) {
    int id = query.id();
    DnsFlags flags = query.flags();
    ResourceRecord opt = null;
    for (ResourceRecord record : query.additionals()) {
      if (record.rdata() instanceof Opt) {
        if (opt != null || !record.name().isRoot()) {
          return reply(id, flags, false, Rcode.FORMERR, List.of(), List.of(), List.of(), null);
        }
        opt = record;
      }
    }
    if (query.questions().size() != 1) {
      return reply(id, flags, false, Rcode.FORMERR, List.of(), List.of(), List.of(), opt == null ? null : 0);
    }
    List<Question> question = query.questions();
    Question q = question.get(0);
    if (opt != null && (opt.ttl() >>> 16 & 0xFF) != 0) {
      return reply(id, flags, false, Rcode.NOERROR, question, List.of(), List.of(), BADVERS);
    }
    Integer extended = opt == null ? null : 0;
    if (q.qtype() == DnsConstants.TYPE_OPT) {
      return reply(id, flags, false, Rcode.FORMERR, question, List.of(), List.of(), extended);
    }
    if (q.qtype() == AXFR || q.qtype() == IXFR || q.qtype() == MAILA || q.qtype() == MAILB) {
      return reply(id, flags, false, Rcode.NOTIMP, question, List.of(), List.of(), extended);
    }
    if ((q.qclass() != DnsConstants.CLASS_IN && q.qclass() != CLASS_ANY) || !zone.contains(q.name())) {
      return reply(id, flags, false, Rcode.REFUSED, question, List.of(), List.of(), extended);
    }
    List<ResourceRecord> answers = new ArrayList<>();
    Set<DnsName> seen = new HashSet<>();
    DnsName name = q.name();
    // The first RRset takes the name as asked, case and all; the chain's the zone's names.
    DnsName owner = q.name();
    while (true) {
      if (!seen.add(name.toLowerCase()) || seen.size() > MAX_CHAIN + 1) {
        return reply(id, flags, true, Rcode.SERVFAIL, question, List.of(), List.of(), extended);
      }
      if (!zone.contains(name)) {
        // An alias out of the zone: the resolver follows it from here (RFC 1034 4.3.2 3.a).
        return reply(id, flags, true, Rcode.NOERROR, question, answers, List.of(), extended);
      }
      List<ResourceRecord> found = q.qtype() == ANY ? zone.rrsets(name) : zone.rrset(name, q.qtype());
      if (!found.isEmpty()) {
        for (ResourceRecord record : found) {
          answers.add(owner == null ? record : new ResourceRecord(owner, record.rrClass(), record.ttl(), record.rdata()));
        }
        return reply(id, flags, true, Rcode.NOERROR, question, answers, List.of(), extended);
      }
      List<ResourceRecord> alias = zone.rrset(name, DnsConstants.TYPE_CNAME);
      if (alias.isEmpty()) {
        return reply(id, flags, true, zone.exists(name) ? Rcode.NOERROR : Rcode.NXDOMAIN, question, answers,
            negativeAuthority(), extended);
      }
      ResourceRecord cname = alias.get(0);
      answers.add(owner == null ? cname : new ResourceRecord(owner, cname.rrClass(), cname.ttl(), cname.rdata()));
      owner = null;
      name = ((Cname) cname.rdata()).target();
    }
  }

  /** The SOA as a negative answer's authority, with the TTL the negative answer may be kept for (RFC 2308 3, 5). */
  private List<ResourceRecord> negativeAuthority() {
    return zone.soa().map(soa -> List.of(new ResourceRecord(soa.name(), soa.rrClass(),
        Math.min(soa.ttl(), ((Soa) soa.rdata()).minimum()), soa.rdata()))).orElse(List.of());
  }

  /**
   * A response to a query with {@code flags}: its opcode, RD and CD copied (RFC 1035 4.1.1, RFC
   * 6840 5.9); an OPT record when {@code extendedRcode} is not null. A response that would not fit
   * the 65,535 bytes of a TCP message goes without its records, truncated (TC).
   */
  private static Message reply(int id, DnsFlags flags, boolean authoritative, Rcode rcode, List<Question> question,
      List<ResourceRecord> answers, List<ResourceRecord> authority, Integer extendedRcode) {
    List<ResourceRecord> additional = extendedRcode == null ? List.of()
        : List.of(new ResourceRecord(DnsName.ROOT, UDP_PAYLOAD_SIZE, (long) (extendedRcode >>> 4) << 24,
            new Opt(List.of())));
    Message message = new Message(id, new DnsFlags(true, flags.opcode(), authoritative, false, flags.rd(), false, 0,
        false, flags.cd(), rcode), question, answers, authority, additional);
    if (DnsProtocol.INSTANCE.encodedSize(message) - 2 > MAX_MESSAGE) {
      message = new Message(id, new DnsFlags(true, flags.opcode(), authoritative, true, flags.rd(), false, 0, false,
          flags.cd(), rcode), question, List.of(), List.of(), additional);
    }
    return message;
  }
}

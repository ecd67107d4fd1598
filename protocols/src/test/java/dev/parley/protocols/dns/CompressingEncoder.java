package dev.parley.protocols.dns;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Message} as a DNS server would, with name compression (RFC 1035 4.1.4): each
 * name whose labels from some point on were written before ends in a pointer to them. Owner names,
 * question names and the names inside the data of every case that holds one are compressed; the
 * other data is written as the generated code writes it. For tests only: {@link DnsNameCodec}
 * writes no pointers, and this gives the decoder frames that do.
 */
final class CompressingEncoder {

  private final ByteBuffer out = ByteBuffer.allocate(2 + 65535);
  /** Where each suffix of a name written so far starts, from the message's first byte; case kept. */
  private final Map<List<String>, Integer> written = new HashMap<>();

  private CompressingEncoder() {}

  /** The whole frame, its 2-byte length first; null when the message takes more than a frame can. */
  static byte[] frame(Message m) {
    if (DnsProtocol.INSTANCE.encodedSize(m) > DnsProtocol.INSTANCE.frameFormat().maxFrameLength()) {
      return null;
    }
    CompressingEncoder e = new CompressingEncoder();
    e.message(m);
    byte[] frame = new byte[e.out.position()];
    e.out.flip().get(frame);
    return frame;
  }

  private void message(Message m) {
    out.putShort((short) 0);
    out.putShort((short) m.id());
    m.flags().encode(out);
    out.putShort((short) m.questions().size());
    out.putShort((short) m.answers().size());
    out.putShort((short) m.authorities().size());
    out.putShort((short) m.additionals().size());
    for (Question q : m.questions()) {
      name(q.name());
      out.putShort((short) q.qtype());
      out.putShort((short) q.qclass());
    }
    for (List<ResourceRecord> section : List.of(m.answers(), m.authorities(), m.additionals())) {
      for (ResourceRecord r : section) {
        record(r);
      }
    }
    out.putShort(0, (short) (out.position() - 2));
  }

  private void record(ResourceRecord r) {
    name(r.name());
    out.putShort((short) Rdata.selector(r.rdata()));
    out.putShort((short) r.rrClass());
    out.putInt((int) r.ttl());
    int lengthAt = out.position();
    out.putShort((short) 0);
    Rdata data = r.rdata();
    if (data instanceof Ns ns) {
      name(ns.host());
    } else if (data instanceof Md md) {
      name(md.host());
    } else if (data instanceof Mf mf) {
      name(mf.host());
    } else if (data instanceof Mb mb) {
      name(mb.host());
    } else if (data instanceof Mg mg) {
      name(mg.mailbox());
    } else if (data instanceof Mr mr) {
      name(mr.mailbox());
    } else if (data instanceof Minfo minfo) {
      name(minfo.rmailbx());
      name(minfo.emailbx());
    } else if (data instanceof Cname cname) {
      name(cname.target());
    } else if (data instanceof Ptr ptr) {
      name(ptr.target());
    } else if (data instanceof Mx mx) {
      out.putShort((short) mx.preference());
      name(mx.exchange());
    } else if (data instanceof Soa soa) {
      name(soa.mname());
      name(soa.rname());
      out.putInt((int) soa.serial()).putInt((int) soa.refresh()).putInt((int) soa.retry())
          .putInt((int) soa.expire()).putInt((int) soa.minimum());
    } else if (data instanceof Srv srv) {
      out.putShort((short) srv.priority()).putShort((short) srv.weight()).putShort((short) srv.port());
      name(srv.target());
    } else {
      data.encode(out);
    }
    out.putShort(lengthAt, (short) (out.position() - lengthAt - 2));
  }

  private void name(DnsName name) {
    List<String> labels = name.labels();
    for (int i = 0; i < labels.size(); i++) {
      List<String> suffix = labels.subList(i, labels.size());
      Integer at = written.get(suffix);
      if (at != null) {
        out.putShort((short) (0xC000 | at));
        return;
      }
      int offset = out.position() - 2;
      if (offset < 0x4000) {
        written.put(List.copyOf(suffix), offset);
      }
      String label = labels.get(i);
      out.put((byte) label.length());
      for (int j = 0; j < label.length(); j++) {
        out.put((byte) label.charAt(j));
      }
    }
    out.put((byte) 0);
  }
}

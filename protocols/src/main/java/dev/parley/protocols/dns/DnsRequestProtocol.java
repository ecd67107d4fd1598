package dev.parley.protocols.dns;

import dev.parley.runtime.FrameFormat;
import dev.parley.runtime.MalformedFrameException;
import dev.parley.runtime.Protocol;
import dev.parley.runtime.ProtocolException;
import java.nio.ByteBuffer;

/**
 * DNS over TCP as a server reads it: the frames of {@link DnsProtocol}, decoded to a
 * {@link DnsRequest} that is {@link DnsRequest.Unparsed} when only the header reads, so that the
 * server answers a malformed query instead of dropping the connection. A frame shorter than a
 * header (12 bytes) has no id to answer and is a protocol error: its connection closes.
 */
final class DnsRequestProtocol implements Protocol<DnsRequest> {

  static final DnsRequestProtocol INSTANCE = new DnsRequestProtocol();

  /** The bytes of a DNS header: id, flags and the four counts (RFC 1035 4.1.1). */
  static final int HEADER_SIZE = 12;

  /** The bytes of the frame's length. */
  private static final int LENGTH_SIZE = 2;

  private DnsRequestProtocol() {}

  @Override
  public FrameFormat frameFormat() {
    return DnsProtocol.INSTANCE.frameFormat();
  }

  /** Not written: a server reads requests and writes {@link Message}s. */
  @Override
  public int encodedSize(DnsRequest request) {
    throw new UnsupportedOperationException("DnsRequestProtocol only reads; answers are written as DnsProtocol's Messages");
  }

  @Override
  public void encode(DnsRequest request, ByteBuffer out) {
    throw new UnsupportedOperationException("DnsRequestProtocol only reads; answers are written as DnsProtocol's Messages");
  }

  @Override
  public DnsRequest decode(ByteBuffer frame) throws ProtocolException {
    int start = frame.position();
    try {
      return new DnsRequest.Parsed((Message) DnsProtocol.INSTANCE.decode(frame));
    } catch (MalformedFrameException problem) {
      if (frame.limit() - start < LENGTH_SIZE + HEADER_SIZE) {
        throw problem;
      }
      int id = (frame.get(start + LENGTH_SIZE) & 0xFF) << 8 | (frame.get(start + LENGTH_SIZE + 1) & 0xFF);
      DnsFlags flags = DnsFlags.decode(frame.duplicate().position(start + LENGTH_SIZE + 2));
      frame.position(frame.limit());
      return new DnsRequest.Unparsed(id, flags, problem);
    }
  }
}

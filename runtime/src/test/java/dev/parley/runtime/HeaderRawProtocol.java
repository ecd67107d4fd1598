package dev.parley.runtime;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A hand-written protocol of a header format for runtime tests, like {@link RawProtocol} for the
 * prefix format: a message is the values of its header's fields, but the length, and the body
 * after the header. It writes the header with {@link FrameFormat#writeField} and the length the
 * format gives for the frame's size (a varint length, which ends the header, with
 * {@link FrameFormat#writeVarintLength}, in as many bytes as the body's size needs, as a generated
 * encoder writes it); it refuses to decode a frame whose constants are wrong.
 */
public final class HeaderRawProtocol implements Protocol<HeaderRawProtocol.Frame> {

  /**
   * A frame: the value of each header field but the length, by name, and the body.
   *
   * @param fields the header's values, in wire order
   * @param body the bytes after the header
   */
  public record Frame(Map<String, Long> fields, Bytes body) {
    public Frame {
      fields = new LinkedHashMap<>(fields);
      Objects.requireNonNull(body, "body");
    }

    /** The value of the field {@code name}. */
    public long get(String name) {
      Long value = fields.get(name);
      if (value == null) {
        throw new IllegalArgumentException("no field '" + name + "' in " + fields);
      }
      return value;
    }
  }

  private final FrameFormat format;

  public HeaderRawProtocol(FrameFormat format) {
    if (!format.hasHeader()) {
      throw new IllegalArgumentException("not a header format: " + format);
    }
    this.format = format;
  }

  /**
   * A frame of this format with {@code fields} and {@code body}; constants that {@code fields}
   * leaves out take their value.
   */
  public Frame frame(Map<String, Long> fields, Bytes body) {
    Map<String, Long> all = new LinkedHashMap<>();
    for (HeaderField field : format.header()) {
      if (field.role() == HeaderField.Role.LENGTH) {
        continue;
      }
      Long value = fields.get(field.name());
      if (value == null && field.role() == HeaderField.Role.CONSTANT) {
        value = field.constant();
      }
      if (value == null) {
        throw new IllegalArgumentException("no value for '" + field.name() + "' in " + fields);
      }
      all.put(field.name(), value);
    }
    return new Frame(all, body);
  }

  @Override
  public FrameFormat frameFormat() {
    return format;
  }

  @Override
  public int encodedSize(Frame message) {
    int body = message.body().size();
    if (format.lengthField().map(HeaderField::isVarint).orElse(false)) {
      return format.minHeaderSize() - 1 + FrameFormat.varintSize(body) + body;
    }
    return format.headerSize() + body;
  }

  @Override
  public void encode(Frame message, ByteBuffer out) {
    int size = encodedSize(message);
    if (out.remaining() < size) {
      throw new BufferOverflowException();
    }
    int start = out.position();
    int header = format.headerSize();
    for (HeaderField field : format.header()) {
      if (field.isVarint()) {
        // The last field: the header ends with the bytes the body's size takes.
        header = format.offsetOf(field) + format.writeVarintLength(out, start, message.body().size());
        break;
      }
      long value = field.role() == HeaderField.Role.LENGTH ? format.lengthValue(size) : message.get(field.name());
      format.writeField(out, start, field, value);
    }
    out.position(start + header);
    message.body().writeTo(out);
  }

  @Override
  public Frame decode(ByteBuffer frame) throws ProtocolException {
    int start = frame.position();
    if (frame.remaining() < format.minHeaderSize()) {
      throw new MalformedFrameException("", "a frame of " + frame.remaining() + " bytes is shorter than its header", 0);
    }
    int header = format.headerSize(frame, start);
    Map<String, Long> fields = new LinkedHashMap<>();
    for (HeaderField field : format.header()) {
      long value = format.readField(frame, start, field);
      if (field.role() == HeaderField.Role.CONSTANT && value != field.constant()) {
        throw new MalformedFrameException(field.name(), "expected " + field.constant() + ", found " + value,
            format.offsetOf(field));
      }
      if (field.role() != HeaderField.Role.LENGTH) {
        fields.put(field.name(), value);
      }
    }
    frame.position(start + header);
    return new Frame(fields, Bytes.read(frame, frame.remaining()));
  }
}

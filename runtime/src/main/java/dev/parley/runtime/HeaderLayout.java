package dev.parley.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the fields of a header lie, and whether they make a frame format: what
 * {@link FrameFormat.Builder#build()} works out from a header before the format is made. Every
 * problem is an {@link IllegalArgumentException} that names the field or the setting.
 */
final class HeaderLayout {

  /** The prefix format's: no header fields. */
  static final HeaderLayout PREFIX = new HeaderLayout();

  final List<HeaderField> header;
  /** Each field's offset from the frame's first byte: for a bit field, its byte's. */
  final int[] offsets;
  /** How far each bit field's bits are from the low end of its byte; 0 for a whole field. */
  final int[] shifts;
  /** The most bytes of the header: with a varint length, the fixed part and the varint's most. */
  final int headerSize;
  /** The fewest bytes of the header: with a varint length, the fixed part and the varint's 1. */
  final int minHeaderSize;
  /**
   * A frame's size less the value of its length: the bytes before what the length counts. For a
   * varint length, which counts what follows it, the fixed part before it; the frame's size adds
   * the varint's own bytes, as many as the value needs.
   */
  final int lengthAdjust;
  /** The largest whole frame the length can describe, or the largest fixed size. */
  final long largestFrame;
  final int defaultMaxFrameLength;
  private final Map<Long, Integer> fixedFrameSizes;
  private final int singleFrameSize;

  private HeaderLayout() {
    header = List.of();
    offsets = new int[0];
    shifts = new int[0];
    headerSize = 0;
    minHeaderSize = 0;
    lengthAdjust = 0;
    largestFrame = Long.MAX_VALUE;
    defaultMaxFrameLength = FrameFormat.DEFAULT_MAX_FRAME_LENGTH;
    fixedFrameSizes = Map.of();
    singleFrameSize = -1;
  }

  /**
   * @throws IllegalArgumentException for two fields of one name, two of the length or type id,
   *     bit fields that do not fill their byte exactly, or a varint length that is not the last
   *     field or counts what includes itself
   */
  HeaderLayout(List<HeaderField> header, Map<Long, Integer> fixedFrameSizes, int singleFrameSize) {
    this.header = header;
    this.fixedFrameSizes = fixedFrameSizes;
    this.singleFrameSize = singleFrameSize;
    this.offsets = new int[header.size()];
    this.shifts = new int[header.size()];
    Set<String> names = new HashSet<>();
    HeaderField length = null;
    HeaderField typeId = null;
    int offset = 0;
    int lengthOffset = 0;
    // The bit fields sharing the byte at the offset, and the bits they take so far.
    List<HeaderField> run = new ArrayList<>();
    int runBits = 0;
    for (int i = 0; i < header.size(); i++) {
      HeaderField field = header.get(i);
      if (!names.add(field.name())) {
        throw new IllegalArgumentException("two header fields are named '" + field.name() + "'");
      }
      if (field.isVarint() && i != header.size() - 1) {
        throw new IllegalArgumentException("the varint length '" + field.name() + "' must be the header's last"
            + " field: its size varies, so '" + header.get(i + 1).name() + "' after it would have no fixed offset");
      }
      if (field.role() == HeaderField.Role.LENGTH) {
        if (length != null) {
          throw new IllegalArgumentException("a header has one length field at most: '" + length.name()
              + "' and '" + field.name() + "'");
        }
        length = field;
        lengthOffset = offset;
      } else if (field.role() == HeaderField.Role.TYPE_ID) {
        if (typeId != null) {
          throw new IllegalArgumentException("a header has one type id at most: '" + typeId.name()
              + "' and '" + field.name() + "'");
        }
        typeId = field;
      }
      offsets[i] = offset;
      if (field.bitWidth() > 0) {
        run.add(field);
        runBits += field.bitWidth();
        if (runBits > 8) {
          throw new IllegalArgumentException(bitFields(run) + " take " + runBits + " bits: more than the 8 of"
              + " their byte");
        }
        shifts[i] = 8 - runBits; // the first field of a byte takes its most significant bits
        if (runBits == 8) {
          offset++;
          run.clear();
          runBits = 0;
        }
        continue;
      }
      if (runBits > 0) {
        throw unnamedBits(run, runBits);
      }
      offset += field.size();
    }
    if (runBits > 0) {
      throw unnamedBits(run, runBits);
    }
    this.headerSize = offset;
    this.minHeaderSize = length != null && length.isVarint() ? offset - length.size() + 1 : offset;
    if (length != null && length.isVarint()) {
      if (length.counts() != LengthCounts.FOLLOWING && length.counts() != LengthCounts.BODY) {
        throw new IllegalArgumentException("the varint length '" + length.name() + "' cannot count "
            + length.counts().description() + ": its own size varies with its value, so a count that includes it"
            + " has no one encoding; it counts following (the body, as it ends the header)");
      }
      this.lengthAdjust = lengthOffset;
      this.largestFrame = lengthOffset + length.size() + length.maxValue();
    } else if (length != null) {
      this.lengthAdjust = switch (length.counts()) {
        case FOLLOWING -> lengthOffset + length.size();
        case ITSELF_AND_FOLLOWING -> lengthOffset;
        case FRAME -> 0;
        case BODY -> headerSize;
      };
      long max = length.maxValue();
      this.largestFrame = max > Long.MAX_VALUE - lengthAdjust ? Long.MAX_VALUE : max + lengthAdjust;
    } else {
      this.lengthAdjust = 0;
      this.largestFrame = Math.max(singleFrameSize,
          fixedFrameSizes.values().stream().mapToLong(Integer::longValue).max().orElse(0));
    }
    this.defaultMaxFrameLength = (int) Math.min(FrameFormat.DEFAULT_MAX_FRAME_LENGTH, largestFrame);
  }

  /** {@code bit fields 'a' (3 bits) and 'b' (4 bits)}, or {@code bit field 'a' (3 bits)}. */
  private static String bitFields(List<HeaderField> run) {
    StringBuilder s = new StringBuilder(run.size() == 1 ? "bit field " : "bit fields ");
    for (int i = 0; i < run.size(); i++) {
      s.append(i == 0 ? "" : i == run.size() - 1 ? " and " : ", ");
      HeaderField field = run.get(i);
      s.append('\'').append(field.name()).append("' (").append(bits(field.bitWidth())).append(')');
    }
    return s.toString();
  }

  private static IllegalArgumentException unnamedBits(List<HeaderField> run, int runBits) {
    return new IllegalArgumentException(bitFields(run) + (run.size() == 1 ? " leaves " : " leave ") + bits(8 - runBits)
        + " of " + (run.size() == 1 ? "its" : "their") + " byte unnamed: bit fields in a row fill whole bytes");
  }

  private static String bits(int n) {
    return n + (n == 1 ? " bit" : " bits");
  }

  /** The index of the field of {@code role} (the length or the type id), or -1. */
  int indexOf(HeaderField.Role role) {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).role() == role) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Checks that the header makes a format of frames of at most {@code maxFrameLength} bytes.
   *
   * @throws IllegalArgumentException saying what does not fit
   */
  void check(int maxFrameLength) {
    int length = indexOf(HeaderField.Role.LENGTH);
    int typeId = indexOf(HeaderField.Role.TYPE_ID);
    if (length >= 0) {
      checkWithLength(header.get(length), maxFrameLength);
    } else if (typeId >= 0) {
      checkByTypeId(header.get(typeId));
    } else if (!fixedFrameSizes.isEmpty()) {
      throw new IllegalArgumentException("fixedFrameSize(typeId, size) needs a type id in the header;"
          + " a header with neither length nor type id takes one fixedFrameSize(size)");
    } else if (singleFrameSize < 0) {
      throw new IllegalArgumentException("a header with neither length nor type id needs the size of its"
          + " frames: fixedFrameSize(size)");
    }
    // Each size against the header first: a maximum left to its default is the largest size.
    if (singleFrameSize >= 0 && singleFrameSize < headerSize) {
      throw smallerThanHeader(singleFrameSize, "");
    }
    fixedFrameSizes.forEach((id, size) -> {
      if (size < headerSize) {
        throw smallerThanHeader(size, " for type id " + header.get(typeId).format(id));
      }
    });
    // A varint length's header is as long as the frames a maximum allows need it to be.
    if (minHeaderSize > maxFrameLength) {
      throw new IllegalArgumentException("the " + (minHeaderSize < headerSize ? "smallest " : "") + minHeaderSize
          + "-byte header does not fit maxFrameLength " + maxFrameLength);
    }
    if (singleFrameSize > maxFrameLength) {
      throw aboveMaximum(singleFrameSize, "", maxFrameLength);
    }
    fixedFrameSizes.forEach((id, size) -> {
      if (size > maxFrameLength) {
        throw aboveMaximum(size, " for type id " + header.get(typeId).format(id), maxFrameLength);
      }
    });
  }

  private void checkWithLength(HeaderField length, int maxFrameLength) {
    if (!fixedFrameSizes.isEmpty() || singleFrameSize >= 0) {
      throw new IllegalArgumentException("a header with the length field '" + length.name() + "' takes no"
          + " fixed frame sizes: the length gives every frame's size");
    }
    String what = "the " + length.typeName() + " length '" + length.name() + "', which counts "
        + length.counts().description() + ",";
    if (largestFrame < headerSize) {
      throw new IllegalArgumentException(what + " cannot describe a frame as large as the " + headerSize
          + "-byte header");
    }
    if (largestFrame < maxFrameLength) {
      throw new IllegalArgumentException("maxFrameLength " + maxFrameLength + " does not fit " + what
          + " whose largest frame is " + largestFrame + " bytes");
    }
  }

  private void checkByTypeId(HeaderField typeId) {
    if (singleFrameSize >= 0) {
      throw new IllegalArgumentException("fixedFrameSize(size) is for a header with neither length nor type id;"
          + " give a size for each value of the type id '" + typeId.name() + "': fixedFrameSize(typeId, size)");
    }
    if (fixedFrameSizes.isEmpty()) {
      throw new IllegalArgumentException("a header without a length needs a fixed frame size for each value of"
          + " its type id '" + typeId.name() + "': fixedFrameSize(typeId, size)");
    }
    for (long id : fixedFrameSizes.keySet()) {
      if (!typeId.fits(id)) {
        throw new IllegalArgumentException("type id " + id + " of a fixed frame size does not fit the "
            + typeId.typeName() + " type id '" + typeId.name() + "'");
      }
    }
  }

  private IllegalArgumentException smallerThanHeader(int size, String which) {
    return new IllegalArgumentException("the fixed frame size " + size + which + " is smaller than the "
        + headerSize + "-byte header");
  }

  private static IllegalArgumentException aboveMaximum(int size, String which, int maxFrameLength) {
    return new IllegalArgumentException("the fixed frame size " + size + which + " is above maxFrameLength "
        + maxFrameLength);
  }
}

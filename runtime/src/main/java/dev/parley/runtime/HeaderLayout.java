package dev.parley.runtime;

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
  /** Each field's offset from the frame's first byte. */
  final int[] offsets;
  final int headerSize;
  /** A frame's size less the value of its length: the bytes before what the length counts. */
  final int lengthAdjust;
  /** The largest whole frame the length can describe, or the largest fixed size. */
  final long largestFrame;
  final int defaultMaxFrameLength;
  private final Map<Long, Integer> fixedFrameSizes;
  private final int singleFrameSize;

  private HeaderLayout() {
    header = List.of();
    offsets = new int[0];
    headerSize = 0;
    lengthAdjust = 0;
    largestFrame = Long.MAX_VALUE;
    defaultMaxFrameLength = FrameFormat.DEFAULT_MAX_FRAME_LENGTH;
    fixedFrameSizes = Map.of();
    singleFrameSize = -1;
  }

  /**
   * @throws IllegalArgumentException for two fields of one name, or two of the length or type id
   */
  HeaderLayout(List<HeaderField> header, Map<Long, Integer> fixedFrameSizes, int singleFrameSize) {
    this.header = header;
    this.fixedFrameSizes = fixedFrameSizes;
    this.singleFrameSize = singleFrameSize;
    this.offsets = new int[header.size()];
    Set<String> names = new HashSet<>();
    HeaderField length = null;
    HeaderField typeId = null;
    int offset = 0;
    int lengthOffset = 0;
    for (int i = 0; i < header.size(); i++) {
      HeaderField field = header.get(i);
      if (!names.add(field.name())) {
        throw new IllegalArgumentException("two header fields are named '" + field.name() + "'");
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
      offset += field.size();
    }
    this.headerSize = offset;
    if (length != null) {
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
    if (headerSize > maxFrameLength) {
      throw new IllegalArgumentException("the " + headerSize + "-byte header does not fit maxFrameLength "
          + maxFrameLength);
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

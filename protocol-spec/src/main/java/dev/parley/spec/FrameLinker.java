package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import dev.parley.runtime.HeaderField;
import dev.parley.runtime.LengthCounts;
import dev.parley.spec.Element.FrameElement;
import dev.parley.spec.Element.FrameFieldElement;
import dev.parley.spec.Element.IntegerLiteral;
import dev.parley.spec.Element.Word;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads a file's {@code frame} declaration into a {@link FrameLayout}: the words of each header
 * field, its role, what a length counts and a constant's value, reporting each misuse where it is
 * written. What depends on the messages (their ids, their sizes) is checked by the {@link Linker}.
 */
final class FrameLinker {

  /** The words a header field is written with, for the diagnostic of a field written otherwise. */
  static final String FORM = "[length | type_id | const] TYPE [big_endian | little_endian] NAME,"
      + " as in 'u32 opaque;'";

  private static final String INTEGERS = Arrays.stream(PrimitiveType.values())
      .filter(PrimitiveType::isInteger).map(PrimitiveType::keyword).collect(Collectors.joining(", "));

  private static final String COUNTS = Arrays.stream(LengthCounts.values())
      .map(c -> "'counts " + FrameLayout.countsPhrase(c) + "' (" + FrameLayout.countsMeaning(c) + ")")
      .collect(Collectors.joining(", "));

  private final Reporter reporter;

  private FrameLinker(Reporter reporter) {
    this.reporter = reporter;
  }

  /** The frame the file declares, if it declares one and it is valid; every problem is reported. */
  static Optional<FrameLayout> link(Reporter reporter, List<FrameElement> frames) {
    if (frames.isEmpty()) {
      return Optional.empty();
    }
    for (FrameElement duplicate : frames.subList(1, frames.size())) {
      reporter.error(duplicate.location(), "duplicate frame declaration (first declared at "
          + Linker.at(frames.get(0).location()) + "): a file has one frame");
    }
    return new FrameLinker(reporter).frame(frames.get(0));
  }

  private Optional<FrameLayout> frame(FrameElement element) {
    ImmutableList.Builder<FrameField> fields = ImmutableList.builder();
    Map<String, FrameField> names = new HashMap<>();
    Map<String, FrameField> javaNames = new HashMap<>();
    Map<HeaderField.Role, FrameField> roles = new HashMap<>();
    boolean valid = true;
    for (FrameFieldElement written : element.fields()) {
      Optional<FrameField> field = field(written);
      if (field.isEmpty()) {
        valid = false;
        continue;
      }
      FrameField f = field.get();
      FrameField first = names.putIfAbsent(f.name(), f);
      if (first != null) {
        reporter.error(f.location(), "duplicate header field '" + f.name() + "' (first declared at "
            + Linker.at(first.location()) + ")");
        valid = false;
      } else if (f.role() == HeaderField.Role.FIELD) {
        FrameField clash = javaNames.putIfAbsent(JavaNames.fieldName(f.name()), f);
        if (clash != null) {
          reporter.error(f.location(), "header field '" + f.name() + "' and header field '" + clash.name()
              + "' (" + Linker.at(clash.location()) + ") both map to Java name '"
              + JavaNames.fieldName(f.name()) + "'");
          valid = false;
        }
      }
      if (f.role() == HeaderField.Role.LENGTH || f.role() == HeaderField.Role.TYPE_ID) {
        FrameField other = roles.putIfAbsent(f.role(), f);
        if (other != null) {
          String role = f.role() == HeaderField.Role.LENGTH ? "length" : "type id";
          reporter.error(f.location(), "a frame has one " + role + ": '" + other.name() + "' ("
              + Linker.at(other.location()) + ") is already its " + role);
          valid = false;
        }
      }
      fields.add(f);
    }
    if (element.fields().isEmpty()) {
      reporter.error(element.location(), "a frame declares at least one header field; a file without"
          + " a frame declaration uses Parley's own frame");
      valid = false;
    }
    valid &= valid && checkPacking(fields.build());
    return valid ? Optional.of(new FrameLayout(fields.build(), element.doc(), element.location()))
        : Optional.empty();
  }

  /**
   * Fields of a few bits fill whole bytes between them, most significant bit first, and a varint
   * length, whose size varies, is the last field.
   */
  private boolean checkPacking(List<FrameField> fields) {
    int bits = 0;
    List<String> run = new java.util.ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      FrameField f = fields.get(i);
      if (f.bits() > 0) {
        bits += f.bits();
        run.add("'" + f.name() + "' (" + f.bits() + ")");
        if (bits % 8 == 0) {
          bits = 0;
          run.clear();
        }
        continue;
      }
      if (bits > 0) {
        reporter.error(f.location(), "bit fields " + String.join(", ", run) + " leave " + (8 - bits % 8)
            + " bits of their byte unnamed before '" + f.name() + "': name every bit, such as u"
            + (8 - bits % 8) + " reserved;");
        return false;
      }
      if (f.varint() > 0 && i < fields.size() - 1) {
        reporter.error(f.location(), "varint length '" + f.name() + "' is the last header field: its size"
            + " varies, so nothing can follow it at a fixed offset");
        return false;
      }
    }
    if (bits > 0) {
      FrameField last = fields.get(fields.size() - 1);
      reporter.error(last.location(), "bit fields " + String.join(", ", run) + " leave " + (8 - bits % 8)
          + " bits of their byte unnamed: name every bit, such as u" + (8 - bits % 8) + " reserved;");
      return false;
    }
    return true;
  }

  /** One header field from its words: {@code [role] type [order] name [counts ...]}. */
  private Optional<FrameField> field(FrameFieldElement element) {
    List<Word> words = element.words();
    int countsAt = indexOf(words, "counts");
    List<Word> head = countsAt < 0 ? words : words.subList(0, countsAt);
    HeaderField.Role role = HeaderField.Role.FIELD;
    if (!head.isEmpty()) {
      switch (head.get(0).text()) {
        case "length" -> role = HeaderField.Role.LENGTH;
        case "type_id" -> role = HeaderField.Role.TYPE_ID;
        case "const" -> role = HeaderField.Role.CONSTANT;
        default -> { }
      }
    }
    List<Word> rest = role == HeaderField.Role.FIELD ? head : head.subList(1, head.size());
    if (rest.size() < 2 || rest.size() > 3) {
      reporter.error(element.location(), "a header field is written " + FORM);
      return Optional.empty();
    }
    Word typeWord = rest.get(0);
    Word name = rest.get(rest.size() - 1);
    int bits = 0;
    int varint = 0;
    Optional<PrimitiveType> type = PrimitiveType.forKeyword(typeWord.text()).filter(PrimitiveType::isInteger);
    if (type.isEmpty() && typeWord.text().matches("u[1-7]")) {
      // A field of a few bits: it shares a byte with its neighbours.
      bits = typeWord.text().charAt(1) - '0';
      type = Optional.of(PrimitiveType.U8);
      if (role == HeaderField.Role.LENGTH) {
        reporter.error(typeWord.location(), "length '" + name.text() + "' is " + typeWord.text()
            + ": a length takes whole bytes, or is a varint");
        return Optional.empty();
      }
    } else if (type.isEmpty() && typeWord.text().matches("varint<[0-9]+>")) {
      String digits = typeWord.text().substring(7, typeWord.text().length() - 1);
      varint = digits.length() > 1 ? 99 : Integer.parseInt(digits);
      if (varint < 1 || varint > 5) {
        reporter.error(typeWord.location(), "a varint length takes 1 to 5 bytes, not " + digits);
        return Optional.empty();
      }
      if (role != HeaderField.Role.LENGTH) {
        reporter.error(typeWord.location(), "header field '" + name.text() + "' is a varint: only the"
            + " length may be one");
        return Optional.empty();
      }
      type = Optional.of(PrimitiveType.U32);
    }
    if (type.isEmpty()) {
      reporter.error(typeWord.location(), "header field '" + name.text() + "' has type '"
          + typeWord.text() + "': a header field is an integer: " + INTEGERS);
      return Optional.empty();
    }
    Optional<ByteOrder> order = Optional.empty();
    if (rest.size() == 3) {
      Word orderWord = rest.get(1);
      if (orderWord.text().equals("big_endian")) {
        order = Optional.of(ByteOrder.BIG_ENDIAN);
      } else if (orderWord.text().equals("little_endian")) {
        order = Optional.of(ByteOrder.LITTLE_ENDIAN);
      } else {
        reporter.error(orderWord.location(), "'" + orderWord.text() + "' is not a byte order: a header"
            + " field is written " + FORM);
        return Optional.empty();
      }
    }
    if (!FieldLinker.checkFieldName(reporter, name.text(), name.location(), "header field")) {
      return Optional.empty();
    }
    Optional<LengthCounts> counts = counts(element, role, name, countsAt);
    if (role == HeaderField.Role.LENGTH && counts.isEmpty()) {
      return Optional.empty();
    }
    if (role == HeaderField.Role.TYPE_ID && type.get().size() > 4) {
      reporter.error(typeWord.location(), "type id '" + name.text() + "' is " + type.get().keyword()
          + ": a type id is at most 32 bits");
      return Optional.empty();
    }
    Optional<Long> constant = constant(element, role, name, type.get());
    if (role == HeaderField.Role.CONSTANT && constant.isEmpty()) {
      return Optional.empty();
    }
    if (order.isPresent() && (bits > 0 || varint > 0)) {
      reporter.error(rest.get(1).location(), "header field '" + name.text() + "' is " + typeWord.text()
          + ", which has no byte order");
      return Optional.empty();
    }
    if (varint > 0 && counts.get() != LengthCounts.FOLLOWING && counts.get() != LengthCounts.BODY) {
      reporter.error(element.location(), "varint length '" + name.text() + "' counts following or body:"
          + " its own size varies");
      return Optional.empty();
    }
    if (bits > 0 && constant.isPresent() && constant.get() >= 1L << bits) {
      reporter.error(element.location(), "constant '" + name.text() + "' = " + constant.get() + " does not fit"
          + " its " + bits + " bits (0 to " + ((1L << bits) - 1) + ")");
      return Optional.empty();
    }
    return Optional.of(new FrameField(name.text(), type.get(), order, role, counts, constant.orElse(0L),
        element.doc(), name.location(), bits, varint));
  }

  /** What a length counts, from the words after {@code counts}; reports a misplaced clause. */
  private Optional<LengthCounts> counts(FrameFieldElement element, HeaderField.Role role, Word name,
      int countsAt) {
    List<Word> words = element.words();
    if (role != HeaderField.Role.LENGTH) {
      if (countsAt >= 0) {
        reporter.error(words.get(countsAt).location(), "only the frame's length says what it counts:"
            + " write 'length' before the type of '" + name.text() + "' to make it the length");
      }
      return Optional.empty();
    }
    if (countsAt < 0) {
      reporter.error(name.location(), "length '" + name.text() + "' must say what it counts: " + COUNTS);
      return Optional.empty();
    }
    String phrase = words.subList(countsAt + 1, words.size()).stream().map(Word::text)
        .collect(Collectors.joining(" "));
    Optional<LengthCounts> counts = FrameLayout.countsOf(phrase);
    if (counts.isEmpty()) {
      reporter.error(words.get(countsAt).location(), "length '" + name.text() + "' counts '" + phrase
          + "': a length counts " + COUNTS.replace("'counts ", "'"));
    }
    return counts;
  }

  /** A constant's value, as the bits of its width; reports a value where none belongs. */
  private Optional<Long> constant(FrameFieldElement element, HeaderField.Role role, Word name,
      PrimitiveType type) {
    Optional<IntegerLiteral> value = element.value();
    if (role != HeaderField.Role.CONSTANT) {
      value.ifPresent(v -> reporter.error(v.location(), "only a constant has a value: write 'const "
          + type.keyword() + " " + name.text() + " = " + Linker.describe(v) + ";' to make '" + name.text()
          + "' one"));
      return Optional.empty();
    }
    if (value.isEmpty()) {
      reporter.error(name.location(), "constant '" + name.text() + "' needs its value, as in 'const "
          + type.keyword() + " " + name.text() + " = 0x80;'");
      return Optional.empty();
    }
    IntegerLiteral literal = value.get();
    if (literal.character() && type.size() != 1) {
      reporter.error(literal.location(), "a character literal is an 8-bit value; constant '"
          + name.text() + "' is " + type.keyword() + ": write the number");
      return Optional.empty();
    }
    BigInteger v = literal.value();
    if (!type.fits(v)) {
      reporter.error(literal.location(), "constant '" + name.text() + "' = " + v + " does not fit "
          + type.keyword() + " (" + type.minValue() + " to " + type.maxValue() + ")");
      return Optional.empty();
    }
    return Optional.of(v.longValue());
  }

  private static int indexOf(List<Word> words, String text) {
    for (int i = 0; i < words.size(); i++) {
      if (words.get(i).text().equals(text)) {
        return i;
      }
    }
    return -1;
  }
}

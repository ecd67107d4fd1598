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
    return valid ? Optional.of(new FrameLayout(fields.build(), element.doc(), element.location()))
        : Optional.empty();
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
    Optional<PrimitiveType> type = PrimitiveType.forKeyword(typeWord.text()).filter(PrimitiveType::isInteger);
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
    return Optional.of(new FrameField(name.text(), type.get(), order, role, counts, constant.orElse(0L),
        element.doc(), name.location()));
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

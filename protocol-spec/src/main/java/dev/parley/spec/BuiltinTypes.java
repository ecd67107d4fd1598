package dev.parley.spec;

import dev.parley.spec.Element.IntegerLiteral;
import dev.parley.spec.Element.NamedTypeElement;
import dev.parley.spec.Element.SizeElement;
import dev.parley.spec.FieldLinker.Place;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * Links the types the language builds in under names that take angle brackets: {@code varint<N>}
 * and {@code zigzag<N>} (SPEC.md 13.11), also as a length or count, and the checksums
 * {@code crc32<SPAN>} and {@code crc32c<SPAN>} (SPEC.md 13.12), with the rules of where a checksum
 * may stand in its message.
 */
final class BuiltinTypes {

  private final Reporter reporter;

  BuiltinTypes(Reporter reporter) {
    this.reporter = reporter;
  }

  /**
   * The type {@code named} names, if it is a built-in one: empty when it is not; else the type,
   * or empty after an error.
   */
  Optional<Optional<FieldType>> type(NamedTypeElement named, Place place) {
    String name = named.name();
    if (name.equals("varint") || name.equals("zigzag")) {
      return Optional.of(varint(named, name.equals("zigzag")));
    }
    Optional<ChecksumType.Algorithm> algorithm = ChecksumType.Algorithm.forKeyword(name);
    if (algorithm.isPresent()) {
      return Optional.of(checksum(named, algorithm.get(), place));
    }
    return Optional.empty();
  }

  /** {@code varint<N>} or {@code zigzag<N>}: N, the most bytes, from 1 to 10 (SPEC.md 13.11). */
  private Optional<FieldType> varint(NamedTypeElement named, boolean zigzag) {
    String kind = zigzag ? "zigzag" : "varint";
    SizeElement argument = named.arguments().size() == 1 ? named.arguments().get(0) : null;
    if (argument == null || !argument.isInteger()) {
      reporter.error(argument == null ? named.location() : argument.location(), kind + " takes the most"
          + " bytes it may take, a number from 1 to " + VarintType.MAX_BYTES + ", as in " + kind + "<4>");
      return Optional.empty();
    }
    return maxBytes((IntegerLiteral) argument.value().orElseThrow(), kind)
        .map(n -> new VarintType(zigzag, n));
  }

  /** The N of {@code varint<N>} as written, if it is from 1 to 10; {@code kind} names the varint. */
  private Optional<Integer> maxBytes(IntegerLiteral n, String kind) {
    if (n.character()) {
      Linker.refuseCharacter(reporter, n, "a " + kind + "<N> size");
      return Optional.empty();
    }
    if (n.value().signum() <= 0 || n.value().compareTo(BigInteger.valueOf(VarintType.MAX_BYTES)) > 0) {
      reporter.error(n.location(), kind + "<" + n.value() + ">: a " + kind + " takes 1 to "
          + VarintType.MAX_BYTES + " bytes, seven bits each (ten carry 64 bits)");
      return Optional.empty();
    }
    return Optional.of(n.value().intValueExact());
  }

  /**
   * {@code crc32<SPAN>} or {@code crc32c<SPAN>}: SPAN is {@code frame}, {@code body} or an earlier
   * field of the message. Where it may stand (a message's last field, one per message) is checked
   * with the message's fields (SPEC.md 13.12).
   */
  private Optional<FieldType> checksum(NamedTypeElement named, ChecksumType.Algorithm algorithm, Place place) {
    String kind = algorithm.keyword();
    SizeElement argument = named.arguments().size() == 1 ? named.arguments().get(0) : null;
    if (argument == null || argument.isInteger() || argument.value().isPresent() || argument.argument().isPresent()) {
      reporter.error(argument == null ? named.location() : argument.location(), kind + " needs the bytes it"
          + " covers: " + kind + "<frame> (the frame from its first byte), " + kind + "<body> (the body"
          + " after the frame's header) or " + kind + "<FIELD> (from an earlier field of the message),"
          + " each up to the checksum");
      return Optional.empty();
    }
    if (place.nested()) {
      reporter.error(named.location(), kind + "<" + argument.word().text() + "> is a checksum, which is the"
          + " last field of a message: not a list's element, a nullable's inner type or a constant's type");
      return Optional.empty();
    }
    String word = argument.word().text();
    ChecksumType.Span span;
    if (word.equals("frame")) {
      span = new ChecksumType.Span.Frame();
    } else if (word.equals("body")) {
      span = new ChecksumType.Span.Body();
    } else if (place.header().contains(word)) {
      reporter.error(argument.location(), kind + "<" + word + "> would start at header field '" + word
          + "': a checksum over the header starts with the frame, " + kind + "<frame>");
      return Optional.empty();
    } else if (place.earlier().containsKey(word)) {
      span = new ChecksumType.Span.From(word);
    } else {
      reporter.error(argument.location(), place.declared().contains(word)
          ? kind + "<" + word + "> covers the bytes from field '" + word + "' up to the checksum, so '"
              + word + "' must come before it"
          : "unknown span '" + word + "' of " + kind + ": expected frame, body, or the name of an earlier"
              + " field of the message");
      return Optional.empty();
    }
    return Optional.of(new ChecksumType(algorithm, span));
  }

  /**
   * A length or count written as {@code varint<N>} (SPEC.md 13.11): empty when {@code size} is
   * another size (a field named {@code varint}); else the size, or empty after an error. Only
   * {@code varint} takes a number in angle brackets here, and a length is never negative, so
   * {@code zigzag} is no size.
   */
  Optional<Optional<Size>> varintSize(SizeElement size, String kind, Place place) {
    String word = size.word().text();
    String what = kind.equals("list") ? "count" : "length";
    if (size.argument().isEmpty() && place.earlier().containsKey(word)) {
      return Optional.empty(); // the name of an earlier field that holds the size
    }
    if (word.equals("zigzag")) {
      String n = size.argument().map(a -> a.value().toString()).orElse("N");
      reporter.error(size.location(), "a " + kind + " " + what + " is never negative: write varint<" + n
          + ">, not zigzag<" + n + ">");
      return Optional.of(Optional.empty());
    }
    if (!word.equals("varint")) {
      reporter.error(size.argument().get().location(), kind + " " + what + " '" + word + "' takes nothing"
          + " in angle brackets; only varint<N> does");
      return Optional.of(Optional.empty());
    }
    if (size.argument().isEmpty()) {
      reporter.error(size.location(), "a varint " + what + " takes the most bytes it may take, a number"
          + " from 1 to " + VarintType.MAX_BYTES + ", as in "
          + (kind.equals("list") ? "list<T, varint<4>>" : kind + "<varint<4>>"));
      return Optional.of(Optional.empty());
    }
    return Optional.of(maxBytes(size.argument().get(), "varint").map(Size.Varint::new));
  }

  /**
   * The rules of checksums that concern the message (SPEC.md 13.12): a checksum covers the bytes
   * before it, so it is the last field of a message, one per message, sent by every version;
   * {@code frame} needs a declared frame, since Parley's own length prefix is written around the
   * body by the frame writer, after the protocol has encoded it.
   */
  void checkChecksums(Linker.Unit unit, List<Field> fields, boolean inMessage) {
    Field first = null;
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      if (!(field.type() instanceof ChecksumType checksum)) {
        continue;
      }
      String name = "checksum '" + field.name() + "'";
      if (!inMessage) {
        reporter.error(field.location(), name + " is in a struct, which other fields may follow: a"
            + " checksum is the last field of a message, and covers the bytes before it");
        continue;
      }
      if (first != null) {
        reporter.error(field.location(), "a message has one checksum: '" + first.name() + "' ("
            + Linker.at(first.location()) + ") is already its checksum");
      } else {
        first = field;
      }
      if (i < fields.size() - 1) {
        reporter.error(field.location(), name + " must be the last field of its message, since it covers"
            + " the bytes before it, but field '" + fields.get(i + 1).name() + "' follows it");
      }
      if (field.optional() || field.since() > 1) {
        reporter.error(field.location(), name + " cannot be " + (field.optional()
            ? "optional: a frame is checked whole, so its checksum is always sent"
            : "@since: a reader could not tell an older writer's frame from one cut short before its"
                + " checksum"));
      }
      if (checksum.span() instanceof ChecksumType.Span.Frame && unit.element.frames().isEmpty()) {
        reporter.error(field.location(), name + " covers the whole frame, but in Parley's own frame the"
            + " length prefix is written around the body after the message is encoded: "
            + checksum.algorithm().keyword() + "<body> covers the body, type id included");
      }
    }
  }
}

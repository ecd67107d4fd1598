package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import dev.parley.spec.Element.BitsElement;
import dev.parley.spec.Element.BitsMemberElement;
import java.math.BigInteger;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Links {@code bits} declarations: the underlying integer, each field's kind and width, and that
 * the widths fill the integer exactly (SPEC.md 13.7).
 */
final class BitsLinker {

  private static final Set<PrimitiveType> UNDERLYING =
      EnumSet.of(PrimitiveType.U8, PrimitiveType.U16, PrimitiveType.U24, PrimitiveType.U32);

  private final Reporter reporter;
  private final Linker linker;

  BitsLinker(Reporter reporter, Linker linker) {
    this.reporter = reporter;
    this.linker = linker;
  }

  Optional<BitsType> bitsType(Linker.Unit unit, BitsElement element) {
    String name = element.name().text();
    Optional<PrimitiveType> underlying = PrimitiveType.forKeyword(element.underlying().text())
        .filter(UNDERLYING::contains);
    if (underlying.isEmpty()) {
      reporter.error(element.underlying().location(), "bits '" + name + "' must pack into u8, u16, u24"
          + " or u32, not '" + element.underlying().text() + "'");
    }
    boolean lsbFirst = false;
    if (element.order().isPresent()) {
      String order = element.order().get().text();
      if (order.equals("lsb_first")) {
        lsbFirst = true;
      } else if (!order.equals("msb_first")) {
        reporter.error(element.order().get().location(), "bit order must be msb_first (the default) or"
            + " lsb_first, not '" + order + "'");
      }
    }
    record Member(BitsMemberElement element, BitField.Kind kind, int width, Optional<EnumType> enumType) {}
    List<Member> members = new java.util.ArrayList<>();
    Map<String, BitsMemberElement> names = new HashMap<>();
    boolean broken = underlying.isEmpty();
    for (BitsMemberElement member : element.members()) {
      String field = member.name().text();
      BitsMemberElement first = names.putIfAbsent(field, member);
      if (first != null) {
        reporter.error(member.location(), "duplicate bit field '" + field + "' (first declared at "
            + Linker.at(first.location()) + ")");
        broken = true;
        continue;
      }
      if (!FieldLinker.checkFieldName(reporter, field, member.location(), "bit field")) {
        broken = true;
        continue;
      }
      Optional<Member> linked = member(unit, member).map(m -> new Member(member, m.kind, m.width, m.enumType));
      if (linked.isEmpty()) {
        broken = true;
        continue;
      }
      members.add(linked.get());
    }
    if (element.members().isEmpty()) {
      reporter.error(element.location(), "bits '" + name + "' has no fields");
      return Optional.empty();
    }
    if (broken) {
      return Optional.empty();
    }
    int total = underlying.get().size() * 8;
    int used = members.stream().mapToInt(Member::width).sum();
    if (used != total) {
      reporter.error(element.location(), "the fields of bits '" + name + "' take " + used + " bits, its "
          + underlying.get().keyword() + " has " + total + ": name every bit"
          + (used < total ? ", such as u" + (total - used) + " reserved;" : ""));
      return Optional.empty();
    }
    ImmutableList.Builder<BitField> fields = ImmutableList.builder();
    int at = 0;
    for (Member m : members) {
      int shift = lsbFirst ? at : total - at - m.width();
      at += m.width();
      fields.add(new BitField(m.element().name().text(), m.kind(), m.width(), shift, m.enumType(),
          m.element().doc(), m.element().location()));
    }
    return Optional.of(new BitsType(name, unit.qualify(name), underlying.get(), lsbFirst, fields.build(),
        element.doc(), element.location()));
  }

  private record Linked(BitField.Kind kind, int width, Optional<EnumType> enumType) {}

  /** One field's kind and width: {@code bool}, {@code uN}, or an enum with {@code : N}. */
  private Optional<Linked> member(Linker.Unit unit, BitsMemberElement member) {
    String type = member.type().text();
    if (type.equals("bool")) {
      if (member.width().isPresent() && !member.width().get().value().equals(BigInteger.ONE)) {
        reporter.error(member.width().get().location(), "a bool bit field takes one bit");
        return Optional.empty();
      }
      return Optional.of(new Linked(BitField.Kind.BOOL, 1, Optional.empty()));
    }
    if (type.matches("u[0-9]+")) {
      int width = Integer.parseInt(type.substring(1).length() > 2 ? "99" : type.substring(1));
      if (width < 1 || width > 31) {
        reporter.error(member.type().location(), "a bit field of " + type + " is out of range: u1 to u31");
        return Optional.empty();
      }
      if (member.width().isPresent()) {
        reporter.error(member.width().get().location(), "'" + type + "' already says its width");
        return Optional.empty();
      }
      return Optional.of(new Linked(BitField.Kind.UINT, width, Optional.empty()));
    }
    Optional<EnumType> enumType = linker.resolve(unit, type) instanceof Linker.Resolution.Found found
        ? linker.linked(found.declared().element()).filter(EnumType.class::isInstance).map(EnumType.class::cast)
        : Optional.empty();
    if (enumType.isEmpty()) {
      reporter.error(member.type().location(), "a bit field is bool, u1 to u31, or an enum: not '" + type + "'");
      return Optional.empty();
    }
    if (member.width().isEmpty()) {
      reporter.error(member.location(), "enum bit field '" + member.name().text() + "' needs its width, as"
          + " in " + type + " " + member.name().text() + " : 4;");
      return Optional.empty();
    }
    BigInteger written = member.width().get().value();
    if (written.signum() <= 0 || written.compareTo(BigInteger.valueOf(31)) > 0) {
      reporter.error(member.width().get().location(), "a bit field's width is 1 to 31, not " + written);
      return Optional.empty();
    }
    int width = written.intValueExact();
    for (EnumConstant constant : enumType.get().constants()) {
      if (constant.value() < 0 || constant.value() >= 1L << width) {
        reporter.error(member.width().get().location(), "enum " + type + " has " + constant.name() + " = "
            + constant.value() + ", which " + width + " bits cannot hold (0 to " + ((1L << width) - 1) + ")");
        return Optional.empty();
      }
    }
    return Optional.of(new Linked(BitField.Kind.ENUM, width, enumType));
  }
}

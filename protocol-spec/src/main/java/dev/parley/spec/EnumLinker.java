package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import dev.parley.spec.Element.EnumElement;
import dev.parley.spec.Element.FlagsElement;
import dev.parley.spec.Element.MemberElement;
import dev.parley.spec.Element.Word;
import java.math.BigInteger;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Links enums and flags: underlying types, member names, values and bit positions. */
final class EnumLinker {

  private static final Set<PrimitiveType> ENUM_UNDERLYING = EnumSet.of(
      PrimitiveType.U8, PrimitiveType.U16, PrimitiveType.U32,
      PrimitiveType.I8, PrimitiveType.I16, PrimitiveType.I32);

  private static final Set<PrimitiveType> FLAGS_UNDERLYING =
      EnumSet.of(PrimitiveType.U8, PrimitiveType.U16, PrimitiveType.U32, PrimitiveType.U64);

  private EnumLinker() {}

  static EnumType enumType(Reporter reporter, Linker.Unit unit, EnumElement element) {
    String name = element.name().text();
    Optional<PrimitiveType> declared = underlying(reporter, "enum", element, element.underlying(),
        ENUM_UNDERLYING, "u8, u16, u32, i8, i16 or i32");
    // With no valid underlying type, check the values against the widest one, not a guess.
    PrimitiveType underlying = declared.orElse(PrimitiveType.U32);
    ImmutableList.Builder<EnumConstant> constants = ImmutableList.builder();
    Map<String, MemberElement> names = new HashMap<>();
    Map<BigInteger, MemberElement> values = new HashMap<>();
    for (MemberElement member : element.constants()) {
      if (!checkMemberName(reporter, "enum constant", member, names)) {
        continue;
      }
      if (member.value().character() && declared.isPresent() && underlying.size() != 1) {
        Linker.refuseCharacter(reporter, member.value(), "a value of " + underlying.keyword() + " enum '"
            + name + "'");
        continue;
      }
      BigInteger value = member.value().value();
      MemberElement first = values.putIfAbsent(value, member);
      if (first != null) {
        reporter.error(member.value().location(), "value " + value + " is already used by '"
            + first.name().text() + "' (" + Linker.at(first.location()) + ")");
        continue;
      }
      if (declared.isEmpty()) {
        continue; // No range to check against; the underlying type's error is already out.
      }
      if (!underlying.fits(value)) {
        reporter.error(member.value().location(), "value " + value + " of '" + member.name().text()
            + "' does not fit " + underlying.keyword() + " (" + underlying.minValue() + " to "
            + underlying.maxValue() + ")");
        continue;
      }
      constants.add(new EnumConstant(member.name().text(), value.longValueExact(), member.doc(),
          member.location()));
    }
    if (element.constants().isEmpty()) {
      reporter.error(element.location(), "enum '" + name + "' declares no constants");
    }
    return new EnumType(name, unit.qualify(name), underlying, constants.build(), element.doc(),
        element.location());
  }

  static FlagsType flagsType(Reporter reporter, Linker.Unit unit, FlagsElement element) {
    String name = element.name().text();
    PrimitiveType underlying = underlying(reporter, "flags", element, element.underlying(),
        FLAGS_UNDERLYING, "u8, u16, u32 or u64").orElse(PrimitiveType.U64);
    ImmutableList.Builder<FlagBit> bits = ImmutableList.builder();
    Map<String, MemberElement> names = new HashMap<>();
    Map<BigInteger, MemberElement> positions = new HashMap<>();
    int width = underlying.size() * 8;
    for (MemberElement member : element.bits()) {
      if (!checkMemberName(reporter, "flag", member, names)) {
        continue;
      }
      if (member.value().character()) {
        Linker.refuseCharacter(reporter, member.value(), "a bit position");
        continue;
      }
      BigInteger position = member.value().value();
      if (position.signum() < 0 || position.compareTo(BigInteger.valueOf(width - 1)) > 0) {
        reporter.error(member.value().location(), "bit " + position + " of '" + member.name().text()
            + "' is beyond " + underlying.keyword() + " (bits 0 to " + (width - 1) + ")");
        continue;
      }
      MemberElement first = positions.putIfAbsent(position, member);
      if (first != null) {
        reporter.error(member.value().location(), "bit " + position + " is already used by '"
            + first.name().text() + "' (" + Linker.at(first.location()) + ")");
        continue;
      }
      bits.add(new FlagBit(member.name().text(), position.intValueExact(), member.doc(),
          member.location()));
    }
    if (element.bits().isEmpty()) {
      reporter.error(element.location(), "flags '" + name + "' declares no bits");
    }
    return new FlagsType(name, unit.qualify(name), underlying, bits.build(), element.doc(),
        element.location());
  }

  private static Optional<PrimitiveType> underlying(Reporter reporter, String kind, Element.DeclarationElement element,
      Optional<Word> written, Set<PrimitiveType> allowed, String allowedText) {
    String name = element.name().text();
    if (written.isEmpty()) {
      reporter.error(element.location(), kind + " '" + name + "' needs an underlying type: "
          + kind + " " + name + " : u8 { ... } (" + allowedText + ")");
      return Optional.empty();
    }
    Optional<PrimitiveType> type = PrimitiveType.forKeyword(written.get().text());
    if (type.isEmpty() || !allowed.contains(type.get())) {
      reporter.error(written.get().location(), "underlying type of " + kind + " '" + name
          + "' must be " + allowedText + ", not '" + written.get().text() + "'");
      return Optional.empty();
    }
    return type;
  }

  private static boolean checkMemberName(Reporter reporter, String kind, MemberElement member,
      Map<String, MemberElement> names) {
    String text = member.name().text();
    MemberElement first = names.putIfAbsent(text, member);
    if (first != null) {
      reporter.error(member.location(), "duplicate " + kind + " '" + text + "' (first declared at "
          + Linker.at(first.location()) + ")");
      return false;
    }
    if (JavaNames.isKeyword(text)) {
      reporter.error(member.location(), kind + " name '" + text + "' is a Java keyword");
      return false;
    }
    return true;
  }
}

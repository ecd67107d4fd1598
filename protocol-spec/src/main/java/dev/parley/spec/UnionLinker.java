package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import dev.parley.spec.Element.BytesTypeElement;
import dev.parley.spec.Element.IntegerLiteral;
import dev.parley.spec.Element.NameLiteral;
import dev.parley.spec.Element.NamedTypeElement;
import dev.parley.spec.Element.UnionCaseElement;
import dev.parley.spec.Element.UnionElement;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Links {@code union} declarations: the selector's type, and each case's value and struct
 * (SPEC.md 13.8). It runs after the structs its cases name, in the order that links structs.
 */
final class UnionLinker {

  private final Reporter reporter;
  private final Linker linker;

  UnionLinker(Reporter reporter, Linker linker) {
    this.reporter = reporter;
    this.linker = linker;
  }

  Optional<UnionType> unionType(Linker.Unit unit, UnionElement element) {
    String name = element.name().text();
    Optional<FieldType> selector = selector(unit, element);
    ImmutableList.Builder<UnionCase> cases = ImmutableList.builder();
    Map<Long, UnionCaseElement> values = new HashMap<>();
    Map<StructType, UnionCase> structs = new HashMap<>();
    UnionCaseElement defaultCase = null;
    boolean broken = selector.isEmpty();
    for (UnionCaseElement c : element.cases()) {
      if (c.value() instanceof NameLiteral n && n.name().equals("default")) {
        if (defaultCase != null) {
          reporter.error(c.location(), "union '" + name + "' has two default cases (the first at "
              + Linker.at(defaultCase.location()) + ")");
          broken = true;
        } else if (!(c.type() instanceof BytesTypeElement bytes) || bytes.size().isPresent()) {
          reporter.error(c.type().location(), "the default case of a union is bytes: the bytes of a"
              + " selector value without a case, kept raw");
          broken = true;
        }
        defaultCase = c;
        continue;
      }
      if (selector.isEmpty()) {
        continue;
      }
      Optional<UnionCase> linked = unionCase(unit, name, selector.get(), c);
      if (linked.isEmpty()) {
        broken = true;
        continue;
      }
      UnionCaseElement first = values.putIfAbsent(linked.get().value(), c);
      if (first != null) {
        reporter.error(c.value().location(), "union '" + name + "' already has a case for "
            + linked.get().valueText() + " (at " + Linker.at(first.location()) + ")");
        broken = true;
        continue;
      }
      UnionCase earlier = structs.putIfAbsent(linked.get().struct(), linked.get());
      if (earlier != null) {
        reporter.error(c.type().location(), "struct " + linked.get().struct().name() + " is already the case"
            + " of " + earlier.valueText() + ": a value's struct must say which selector to write");
        broken = true;
        continue;
      }
      cases.add(linked.get());
    }
    ImmutableList<UnionCase> linkedCases = cases.build();
    if (element.cases().isEmpty()) {
      reporter.error(element.location(), "union '" + name + "' has no cases");
      return Optional.empty();
    }
    if (broken) {
      return Optional.empty();
    }
    return Optional.of(new UnionType(name, unit.qualify(name), selector.get(), linkedCases,
        defaultCase != null, element.doc(), element.location()));
  }

  /** The selector's type: an integer of at most 32 bits, or an enum. */
  private Optional<FieldType> selector(Linker.Unit unit, UnionElement element) {
    String text = element.selector().text();
    Optional<PrimitiveType> primitive = PrimitiveType.forKeyword(text);
    if (primitive.isPresent()) {
      if (!primitive.get().isInteger() || primitive.get().size() > 4) {
        reporter.error(element.selector().location(), "a union's selector is an integer of at most 32"
            + " bits or an enum, not " + text);
        return Optional.empty();
      }
      return Optional.of(primitive.get());
    }
    if (linker.resolve(unit, text) instanceof Linker.Resolution.Found found
        && linker.linked(found.declared().element()).orElse(null) instanceof EnumType e) {
      return Optional.of(e);
    }
    reporter.error(element.selector().location(), "a union's selector is an integer of at most 32"
        + " bits or an enum, and '" + text + "' is neither");
    return Optional.empty();
  }

  private Optional<UnionCase> unionCase(Linker.Unit unit, String union, FieldType selector, UnionCaseElement c) {
    long value;
    Optional<EnumConstant> constant = Optional.empty();
    if (selector instanceof EnumType e) {
      if (!(c.value() instanceof NameLiteral n)) {
        reporter.error(c.value().location(), "the cases of union '" + union + "' are constants of enum "
            + e.name());
        return Optional.empty();
      }
      constant = e.constants().stream().filter(k -> k.name().equals(n.name())).findFirst();
      if (constant.isEmpty()) {
        reporter.error(c.value().location(), "enum " + e.name() + " has no constant '" + n.name() + "'");
        return Optional.empty();
      }
      value = constant.get().value();
    } else {
      PrimitiveType p = (PrimitiveType) selector;
      if (!(c.value() instanceof IntegerLiteral i)) {
        reporter.error(c.value().location(), "a case of union '" + union + "' is a value of its " + p.keyword()
            + " selector, or default");
        return Optional.empty();
      }
      if (i.character() && p.size() != 1) {
        Linker.refuseCharacter(reporter, i, "a case of a " + p.keyword() + " selector");
        return Optional.empty();
      }
      BigInteger v = i.value();
      if (!p.fits(v)) {
        reporter.error(i.location(), "case " + v + " does not fit the " + p.keyword() + " selector ("
            + p.minValue() + " to " + p.maxValue() + ")");
        return Optional.empty();
      }
      value = v.longValueExact();
    }
    if (!(c.type() instanceof NamedTypeElement named) || !named.arguments().isEmpty()) {
      reporter.error(c.type().location(), "a case of a union is a struct of the same file");
      return Optional.empty();
    }
    Linker.Resolution resolution = linker.resolve(unit, named.name());
    if (!(resolution instanceof Linker.Resolution.Found found)
        || !(found.declared().element() instanceof Element.StructElement)) {
      reporter.error(named.location(), "a case of a union is a struct of the same file; '" + named.name()
          + "' is not one");
      return Optional.empty();
    }
    if (found.declared().unit() != unit) {
      reporter.error(named.location(), "struct '" + named.name() + "' is declared in "
          + found.declared().unit().file + ": a union's cases are structs of its own file, which"
          + " its Java sealed interface permits");
      return Optional.empty();
    }
    Optional<StructType> struct = linker.linked(found.declared().element())
        .filter(StructType.class::isInstance).map(StructType.class::cast);
    long caseValue = value;
    Optional<EnumConstant> caseConstant = constant;
    return struct.map(s -> new UnionCase(caseValue, caseConstant, s, c.location()));
  }
}

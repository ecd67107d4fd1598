package dev.parley.spec.compat;

import dev.parley.spec.Constant;
import dev.parley.spec.Declaration;
import dev.parley.spec.EnumConstant;
import dev.parley.spec.BitField;
import dev.parley.spec.BitsType;
import dev.parley.spec.EnumType;
import dev.parley.spec.ExternType;
import dev.parley.spec.UnionCase;
import dev.parley.spec.UnionType;
import dev.parley.spec.FlagBit;
import dev.parley.spec.FlagsType;
import dev.parley.spec.MessageType;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.SourceLocation;
import dev.parley.spec.StructType;
import dev.parley.spec.compat.Findings.Breaks;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Compares the structs, enums, flags types and constants of two versions, matched by qualified
 * name. A change that breaks a struct, enum or flags type is an error when a message carries the
 * type in both versions, since then that message's frames change, and a warning otherwise
 * (SPEC.md 11.2). Constants never travel, so their changes are warnings.
 */
final class TypeComparison {

  /** How an enum or a flags type names its members and their numbers in messages. */
  private enum Wording {
    ENUM("enum", "constant", "value ", "carries value "),
    FLAGS("flags", "bit", "bit ", "sets bit ");

    final String kind;
    final String member;
    final String number;
    final String rejected;

    Wording(String kind, String member, String number, String rejected) {
      this.kind = kind;
      this.member = member;
      this.number = number;
      this.rejected = rejected;
    }
  }

  /** An enum constant or a flag bit: a name for a number. */
  private record Member(String name, long number, Optional<String> doc, SourceLocation location) {}

  private final Correspondence names;
  private final Findings findings;
  private final FieldComparison fields;
  /** For each type of NEW, the messages that carry it in both versions. */
  private final Map<String, SortedSet<String>> carriers = new HashMap<>();

  TypeComparison(Correspondence names, Findings findings, FieldComparison fields,
      List<MessageComparison.Pair> pairs) {
    this.names = names;
    this.findings = findings;
    this.fields = fields;
    for (MessageComparison.Pair pair : pairs) {
      Set<String> before = new HashSet<>();
      Types.reach(pair.oldMessage(), names::newName, before);
      Set<String> after = new HashSet<>();
      Types.reach(pair.newMessage(), name -> name, after);
      before.retainAll(after);
      for (String type : before) {
        carriers.computeIfAbsent(type, k -> new TreeSet<>()).add(pair.newMessage().name());
      }
    }
  }

  void compare() {
    for (SchemaFile oldFile : names.oldSchema().files()) {
      for (Declaration old : oldFile.declarations()) {
        if (old instanceof MessageType) {
          continue;
        }
        Optional<Declaration> counterpart = names.inNew(old).filter(d -> d.getClass() == old.getClass());
        if (counterpart.isEmpty()) {
          findings.warning(names.enclosing(oldFile), kind(old) + " '" + old.name() + "' was removed (was at "
              + old.location() + ")");
          continue;
        }
        Declaration declaration = counterpart.get();
        if (!old.doc().equals(declaration.doc())) {
          findings.note(declaration.location(), "doc comment of " + kind(old) + " '" + declaration.name()
              + "' changed (was at " + old.location() + ")");
        }
        if (old instanceof StructType o) {
          fields.compare(o, (StructType) declaration, breaks(declaration));
        } else if (old instanceof EnumType o) {
          enums(o, (EnumType) declaration);
        } else if (old instanceof FlagsType o) {
          flags(o, (FlagsType) declaration);
        } else if (old instanceof BitsType o) {
          bits(o, (BitsType) declaration);
        } else if (old instanceof UnionType o) {
          union(o, (UnionType) declaration);
        } else if (old instanceof ExternType o) {
          extern(o, (ExternType) declaration);
        } else {
          constants((Constant) old, (Constant) declaration);
        }
      }
    }
    for (SchemaFile newFile : names.newSchema().files()) {
      for (Declaration declaration : newFile.declarations()) {
        if (!(declaration instanceof MessageType)
            && names.inOld(declaration).filter(d -> d.getClass() == declaration.getClass()).isEmpty()) {
          findings.note(declaration.location(), "new " + kind(declaration) + " '" + declaration.name() + "'");
        }
      }
    }
  }

  private Breaks breaks(Declaration type) {
    return findings.breaks(carriers.getOrDefault(type.qualifiedName(), new TreeSet<>()));
  }

  private void enums(EnumType old, EnumType type) {
    Breaks breaks = breaks(type);
    String was = " (was " + old.underlying().keyword() + " at " + old.location() + ")";
    String now = "enum '" + type.name() + "' now has underlying type " + type.underlying().keyword() + was;
    if (old.underlying().size() != type.underlying().size()) {
      breaks.report(type.location(), now);
    } else if (old.underlying() != type.underlying()) {
      findings.warning(type.location(), now + ": the same width, so every value keeps its bytes");
    }
    members(type, Wording.ENUM, breaks, enumMembers(old.constants()), enumMembers(type.constants()));
  }

  private void flags(FlagsType old, FlagsType type) {
    Breaks breaks = breaks(type);
    if (old.underlying() != type.underlying()) {
      breaks.report(type.location(), "flags '" + type.name() + "' now has underlying type "
          + type.underlying().keyword() + " (was " + old.underlying().keyword() + " at " + old.location() + ")");
    }
    members(type, Wording.FLAGS, breaks, flagMembers(old.bits()), flagMembers(type.bits()));
  }

  /**
   * Members are matched by name. A member of OLD that NEW lacks, whose number a member new in NEW
   * took, was renamed: the bytes stay, so only a warning.
   */
  private void members(Declaration type, Wording words, Breaks breaks, List<Member> oldMembers,
      List<Member> newMembers) {
    String of = " of " + words.kind + " '" + type.name() + "'";
    Map<String, Member> oldByName = byName(oldMembers);
    Map<String, Member> newByName = byName(newMembers);
    Set<String> renamed = new HashSet<>();
    for (Member old : oldMembers) {
      Member member = newByName.get(old.name());
      String was = " (was " + words.number + old.number() + " at " + old.location() + ")";
      if (member != null) {
        if (member.number() != old.number()) {
          breaks.report(member.location(), words.member + " '" + member.name() + "'" + of + " is now "
              + words.number + member.number() + was);
        }
        if (!old.doc().equals(member.doc())) {
          findings.note(member.location(), "doc comment of " + words.member + " '" + member.name() + "'"
              + of + " changed (was at " + old.location() + ")");
        }
        continue;
      }
      Optional<Member> rename = newMembers.stream()
          .filter(m -> m.number() == old.number() && !oldByName.containsKey(m.name()))
          .findFirst();
      if (rename.isPresent()) {
        renamed.add(rename.get().name());
        findings.warning(rename.get().location(), words.number + old.number() + of + " is now named '"
            + rename.get().name() + "' (was '" + old.name() + "' at " + old.location()
            + "): the same bytes, but another Java name");
      } else {
        breaks.report(type.location(), words.member + " '" + old.name() + "'" + of + " was removed" + was);
      }
    }
    for (Member member : newMembers) {
      if (!oldByName.containsKey(member.name()) && !renamed.contains(member.name())) {
        findings.note(member.location(), words.member + " '" + member.name() + "' = " + member.number()
            + " was added to " + words.kind + " '" + type.name() + "'");
        findings.warning(member.location(), "new " + words.member + " '" + member.name() + "'" + of
            + " is safe only between new writers and new readers: an old reader rejects a frame that "
            + words.rejected + member.number());
      }
    }
  }

  /**
   * A bits type keeps its bytes when every field keeps its width, place and kind (SPEC.md 13.7):
   * names may change (another Java name), an enum field compares by its values.
   */
  private void bits(BitsType old, BitsType type) {
    Breaks breaks = breaks(type);
    String was = " (was at " + old.location() + ")";
    if (old.underlying() != type.underlying()) {
      breaks.report(type.location(), "bits '" + type.name() + "' now packs into " + type.underlying().keyword()
          + " (was " + old.underlying().keyword() + " at " + old.location() + ")");
      return;
    }
    if (old.fields().size() != type.fields().size()) {
      breaks.report(type.location(), "bits '" + type.name() + "' now has " + type.fields().size()
          + " fields" + " (was " + old.fields().size() + " at " + old.location() + ")");
      return;
    }
    for (int i = 0; i < old.fields().size(); i++) {
      BitField a = old.fields().get(i);
      BitField b = type.fields().get(i);
      boolean sameEnum = a.kind() != BitField.Kind.ENUM || b.kind() != BitField.Kind.ENUM
          || enumMembers(a.enumType().get().constants()).stream().map(Member::number).toList()
              .equals(enumMembers(b.enumType().get().constants()).stream().map(Member::number).toList());
      if (a.kind() != b.kind() || a.width() != b.width() || a.shift() != b.shift() || !sameEnum) {
        breaks.report(b.location(), "bit field " + (i + 1) + " of bits '" + type.name() + "' is now "
            + b.typeName() + " " + b.name() + " at bit " + b.shift() + " (was " + a.typeName() + " " + a.name()
            + " at bit " + a.shift() + ", at " + a.location() + ")");
      } else if (!a.name().equals(b.name())) {
        findings.warning(b.location(), "bit field '" + a.name() + "' of bits '" + type.name() + "' is now named '"
            + b.name() + "'" + was + ": the same bits, but another Java name");
      }
    }
  }

  /**
   * A union keeps its bytes when its selector does and each value keeps a case of the same bytes
   * (SPEC.md 13.8). A case added is read by an old reader as its default's bytes, or refused
   * without a default.
   */
  private void union(UnionType old, UnionType type) {
    Breaks breaks = breaks(type);
    if (!old.selector().displayName().equals(type.selector().displayName())) {
      breaks.report(type.location(), "union '" + type.name() + "' is now selected by "
          + type.selector().displayName() + " (was " + old.selector().displayName() + " at " + old.location() + ")");
    }
    for (UnionCase c : old.cases()) {
      Optional<UnionCase> now = type.caseOf(c.value());
      if (now.isEmpty()) {
        breaks.report(type.location(), "case " + c.valueText() + " of union '" + type.name() + "' was removed (was "
            + c.struct().name() + " at " + c.location() + ")");
      } else if (Types.compare(c.struct(), now.get().struct(), names) == Types.Match.DIFFERENT) {
        breaks.report(now.get().location(), "case " + c.valueText() + " of union '" + type.name() + "' is now "
            + now.get().struct().name() + ", of other bytes (was " + c.struct().name() + " at " + c.location() + ")");
      }
    }
    for (UnionCase c : type.cases()) {
      if (old.caseOf(c.value()).isEmpty()) {
        findings.warning(c.location(), "new case " + c.valueText() + " of union '" + type.name() + "': "
            + (old.hasDefault() ? "an old reader keeps its bytes raw, as its default case"
                : "an old reader rejects a frame that holds it, since the union had no default"));
      }
    }
    if (old.hasDefault() != type.hasDefault()) {
      breaks.report(type.location(), "union '" + type.name() + "' " + (type.hasDefault()
          ? "now has a default case: a value without a case no longer fails, and the field now runs to the end"
          : "lost its default case: a reader rejects the values without a case that an old writer sends")
          + " (was at " + old.location() + ")");
    }
  }

  /** An extern type keeps its bytes while its codec does; its Java type is only the API. */
  private void extern(ExternType old, ExternType type) {
    if (!old.codec().equals(type.codec())) {
      breaks(type).report(type.location(), "extern '" + type.name() + "' now has codec " + type.codec() + " (was "
          + old.codec() + " at " + old.location() + "): Parley cannot tell whether its bytes are the same");
    }
    if (!old.javaType().equals(type.javaType())) {
      findings.warning(type.location(), "extern '" + type.name() + "' now holds " + type.javaType() + " (was "
          + old.javaType() + " at " + old.location() + "): the same codec's bytes, another Java type");
    }
  }

  private void constants(Constant old, Constant constant) {
    if (!old.type().equals(constant.type()) || !Values.sameOnTheWire(old.value(), constant.value())) {
      findings.warning(constant.location(), "constant '" + constant.name() + "' is now "
          + constant.type().displayName() + " = " + Values.source(constant.value()) + " (was "
          + old.type().displayName() + " = " + Values.source(old.value()) + " at " + old.location() + ")");
    }
  }

  private static List<Member> enumMembers(List<EnumConstant> constants) {
    return constants.stream().map(c -> new Member(c.name(), c.value(), c.doc(), c.location())).toList();
  }

  private static List<Member> flagMembers(List<FlagBit> bits) {
    return bits.stream().map(b -> new Member(b.name(), b.position(), b.doc(), b.location())).toList();
  }

  private static Map<String, Member> byName(List<Member> members) {
    Map<String, Member> byName = new HashMap<>();
    members.forEach(m -> byName.put(m.name(), m));
    return byName;
  }

  private static String kind(Declaration declaration) {
    if (declaration instanceof StructType) {
      return "struct";
    } else if (declaration instanceof EnumType) {
      return "enum";
    } else if (declaration instanceof FlagsType) {
      return "flags";
    } else if (declaration instanceof BitsType) {
      return "bits";
    } else if (declaration instanceof UnionType) {
      return "union";
    } else if (declaration instanceof ExternType) {
      return "extern";
    }
    return "constant";
  }
}

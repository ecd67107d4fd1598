package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a schema file says, before any name is resolved or any rule checked: the output of
 * {@link ElementBuilder} and the input of {@link Linker}. Names are still text; widths are still
 * words. Every element carries the location of the text it came from.
 */
sealed interface Element {

  SourceLocation location();

  /** A word of the source with its location, such as a width {@code u8} or a flag name. */
  record Word(String text, SourceLocation location) implements Element {}

  record FileElement(
      Path path,
      ImmutableList<Word> packages,
      ImmutableList<ImportElement> imports,
      ImmutableList<OptionElement> options,
      ImmutableList<DeclarationElement> declarations,
      ImmutableList<FrameElement> frames,
      SourceLocation location)
      implements Element {}

  /** {@code frame { ... }}: the header fields of the file's frames, in wire order. */
  record FrameElement(ImmutableList<FrameFieldElement> fields, Optional<String> doc, SourceLocation location)
      implements Element {}

  /**
   * One field of a frame declaration as written: its words ({@code length i32 len counts itself
   * and following}) and the value after {@code =}, if any. The linker reads the words.
   */
  record FrameFieldElement(
      ImmutableList<Word> words, Optional<IntegerLiteral> value, Optional<String> doc, SourceLocation location)
      implements Element {}

  record ImportElement(String path, SourceLocation location) implements Element {}

  record OptionElement(Word name, ValueElement value, SourceLocation location) implements Element {}

  sealed interface DeclarationElement extends Element {
    Word name();

    Optional<String> doc();

    /** The kind of declaration as a schema spells it: {@code message}, {@code enum}, ... */
    String kind();
  }

  record ConstElement(
      Word name, TypeElement type, ValueElement value, Optional<String> doc, SourceLocation location)
      implements DeclarationElement {
    @Override
    public String kind() {
      return "const";
    }
  }

  record EnumElement(
      Word name,
      Optional<Word> underlying,
      ImmutableList<MemberElement> constants,
      Optional<String> doc,
      SourceLocation location)
      implements DeclarationElement {
    @Override
    public String kind() {
      return "enum";
    }
  }

  record FlagsElement(
      Word name,
      Optional<Word> underlying,
      ImmutableList<MemberElement> bits,
      Optional<String> doc,
      SourceLocation location)
      implements DeclarationElement {
    @Override
    public String kind() {
      return "flags";
    }
  }

  /**
   * {@code bits Flags : u16 { bool qr; u4 opcode; Rcode rcode : 4; }}: bit fields of one integer;
   * {@code order} is the word after the underlying type ({@code lsb_first}), if any.
   */
  record BitsElement(
      Word name,
      Word underlying,
      Optional<Word> order,
      ImmutableList<BitsMemberElement> members,
      Optional<String> doc,
      SourceLocation location)
      implements DeclarationElement {
    @Override
    public String kind() {
      return "bits";
    }
  }

  /** One bit field: its type ({@code bool}, {@code u4}, an enum), name and {@code : width}. */
  record BitsMemberElement(
      Word type, Word name, Optional<IntegerLiteral> width, Optional<String> doc, SourceLocation location)
      implements Element {}

  /** {@code union Auth : i32 { 0 = AuthOk; default = bytes; }}. */
  record UnionElement(
      Word name,
      Word selector,
      ImmutableList<UnionCaseElement> cases,
      Optional<String> doc,
      SourceLocation location)
      implements DeclarationElement {
    @Override
    public String kind() {
      return "union";
    }
  }

  /** {@code extern DnsName { java_type = "..."; codec = "..."; }}: its entries as written. */
  record ExternElement(Word name, ImmutableList<OptionElement> entries, Optional<String> doc, SourceLocation location)
      implements DeclarationElement {
    @Override
    public String kind() {
      return "extern";
    }
  }

  /** One case of a union: its selector value ({@code default} for the default) and its type. */
  record UnionCaseElement(ValueElement value, TypeElement type, Optional<String> doc, SourceLocation location)
      implements Element {}

  /** An enum constant or a flags bit: a name and an integer. */
  record MemberElement(Word name, IntegerLiteral value, Optional<String> doc, SourceLocation location)
      implements Element {}

  record StructElement(
      Word name, ImmutableList<FieldElement> fields, Optional<String> doc, SourceLocation location)
      implements DeclarationElement {
    @Override
    public String kind() {
      return "struct";
    }
  }

  record MessageElement(
      Word name,
      Optional<IntegerLiteral> id,
      ImmutableList<FieldElement> fields,
      Optional<String> doc,
      SourceLocation location)
      implements DeclarationElement {
    @Override
    public String kind() {
      return "message";
    }
  }

  record FieldElement(
      Word name,
      TypeElement type,
      boolean optional,
      ImmutableList<AnnotationElement> annotations,
      Optional<ValueElement> defaultValue,
      Optional<String> doc,
      SourceLocation location)
      implements Element {}

  record AnnotationElement(Word name, Optional<IntegerLiteral> argument, SourceLocation location)
      implements Element {}

  sealed interface TypeElement extends Element {}

  /**
   * A type by name, with what its angle brackets hold, if anything: {@code Rdata<type, rdlength>},
   * {@code varint<4>}, {@code crc32<body>}.
   */
  record NamedTypeElement(String name, ImmutableList<SizeElement> arguments, SourceLocation location)
      implements TypeElement {
    NamedTypeElement(String name, SourceLocation location) {
      this(name, ImmutableList.of(), location);
    }
  }

  record StringTypeElement(Optional<SizeElement> size, SourceLocation location) implements TypeElement {}

  record BytesTypeElement(Optional<SizeElement> size, SourceLocation location) implements TypeElement {}

  /** {@code nullable T}. */
  record NullableTypeElement(TypeElement inner, SourceLocation location) implements TypeElement {}

  /**
   * What a type says between its angle brackets: a word ({@code u8}, {@code nul}, {@code rest}, a
   * field's name, {@code until}, {@code varint}) and, after {@code until}, a value; after a word
   * such as {@code varint}, an integer in angle brackets ({@code varint<4>}); or an integer alone
   * ({@code 4} in {@code varint<4>}), whose word is its text.
   */
  record SizeElement(Word word, Optional<ValueElement> value, Optional<IntegerLiteral> argument,
      SourceLocation location) implements Element {
    SizeElement(Word word, Optional<ValueElement> value, SourceLocation location) {
      this(word, value, Optional.empty(), location);
    }

    /** Whether the element is an integer alone, as in {@code varint<4>}. */
    boolean isInteger() {
      return value.isPresent() && value.get() instanceof IntegerLiteral && !word.text().equals("until");
    }
  }

  record FixedBytesTypeElement(IntegerLiteral size, SourceLocation location) implements TypeElement {}

  record ListTypeElement(TypeElement element, Optional<SizeElement> count, SourceLocation location)
      implements TypeElement {}

  sealed interface ValueElement extends Element {}

  /**
   * A number, or a character literal ({@code 'Q'}), which is the 8-bit value of its character:
   * {@code character} says which was written, for the checks that take only numbers.
   */
  record IntegerLiteral(BigInteger value, SourceLocation location, boolean character)
      implements ValueElement {
    IntegerLiteral(BigInteger value, SourceLocation location) {
      this(value, location, false);
    }
  }

  record FloatLiteral(double value, SourceLocation location) implements ValueElement {}

  record BoolLiteral(boolean value, SourceLocation location) implements ValueElement {}

  record StringLiteral(String value, SourceLocation location) implements ValueElement {}

  /** A bare or qualified name used as a value: an enum constant, or an option's word. */
  record NameLiteral(String name, SourceLocation location) implements ValueElement {}

  /** {@code { A, B }}: a set of flag names. */
  record SetLiteral(ImmutableList<Word> names, SourceLocation location) implements ValueElement {}

  /** {@code []}. */
  record EmptyListLiteral(SourceLocation location) implements ValueElement {}
}

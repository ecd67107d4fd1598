package dev.parley.spec;

/**
 * The type of a field, a list element or a constant, after linking: named types are resolved to
 * the declarations they name.
 */
public sealed interface FieldType
    permits PrimitiveType, StringType, BytesType, FixedBytesType, ListType, NullableType, EnumType,
        FlagsType, StructType, BitsType, UnionType, SelectedType, SizedType, ExternType, VarintType,
        ChecksumType {

  /**
   * The fewest bytes a value of this type takes on the wire. Decoders check a count against it
   * before allocating: {@code count * element.minimumSize() <= remaining}.
   */
  int minimumSize();

  /** The type as a schema would spell it, such as {@code list<string<u8>, u32>} or {@code Point}. */
  String displayName();

  /** {@code kind} with its size, leaving out the default {@code <u16>}: {@code string<nul>}. */
  static String sized(String kind, Size size) {
    return size.equals(new Size.Prefix(PrefixWidth.U16)) ? kind : kind + "<" + size.keyword() + ">";
  }
}

package drivers;

import codegen.clashes.ClashesProtocol;
import codegen.clashes.Error;
import codegen.clashes.List;
import codegen.clashes.Optional;

/**
 * Schema types named String, List, Error and Optional, fields named in, out and size, and enum
 * constants named value and bit.
 */
public final class Clashes {

  private Clashes() {}

  public static void typesNamedLikeJavaTypesRoundTrip() throws Exception {
    codegen.clashes.String s = new codegen.clashes.String(7);
    Error error = new Error(new List(s), "text", java.util.Optional.of(s), 1, 2, 3, 4);
    Codec.assertRoundTrip(ClashesProtocol.INSTANCE, error);
    Codec.assertRoundTrip(ClashesProtocol.INSTANCE, new Optional(java.util.List.of(new List(s)),
        codegen.clashes.Named.value_, java.util.EnumSet.of(codegen.clashes.Bit.bit)));
  }

  /** Enum constants named like the fields that keep a constant's value and a flag's bit. */
  public static void constantsNamedValueAndBitKeepTheirValues() {
    if (codegen.clashes.Named.value.value() != 1 || codegen.clashes.Named.value_.value() != 2
        || codegen.clashes.Bit.bit.bit() != 0) {
      throw new AssertionError("constants lost their values");
    }
  }
}

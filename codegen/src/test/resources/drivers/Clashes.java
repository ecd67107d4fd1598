package drivers;

import codegen.clashes.ClashesProtocol;
import codegen.clashes.Error;
import codegen.clashes.List;
import codegen.clashes.Optional;

/** Schema types named String, List, Error and Optional, and fields named in, out and size. */
public final class Clashes {

  private Clashes() {}

  public static void typesNamedLikeJavaTypesRoundTrip() throws Exception {
    codegen.clashes.String s = new codegen.clashes.String(7);
    Error error = new Error(new List(s), "text", java.util.Optional.of(s), 1, 2, 3, 4);
    Codec.assertRoundTrip(ClashesProtocol.INSTANCE, error);
    Codec.assertRoundTrip(ClashesProtocol.INSTANCE, new Optional(java.util.List.of(new List(s))));
  }
}

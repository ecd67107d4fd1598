package dev.parley.codegen;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.spec.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helper that compares values across versions fails as an assertion, which the tests expect. */
class CrossVersionValuesTest {

  @TempDir
  Path dir;

  @Test
  void aFieldRetypedFromAStructToANumberIsUnreadableNotACrash() throws Exception {
    // Found by EvolutionInteropTest (schema seed 1921340968672387679): a breaking edit retyped an
    // optional struct field to optional u32, and the new version's Long reached the old struct's
    // accessors. The pair expects an AssertionError there; a NullPointerException failed the run.
    Path schema = Files.writeString(dir.resolve("s.parley"),
        "package p;\nstruct Point { u8 x; }\nmessage Moved = 1 { optional Point at; }\n");
    Field at = TestSchemas.load(schema).files().get(0).messages().get(0).fields().get(0);
    assertThrows(AssertionError.class, () -> CrossVersionValues.isReadable(at, Optional.of(7L)));
  }
}

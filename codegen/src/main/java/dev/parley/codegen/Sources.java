package dev.parley.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.CodeBlock;

/** What every generated type carries: the {@code @Generated} mark and Javadoc from the schema. */
final class Sources {

  /** The generator's name in {@code @Generated}; no date, so output is reproducible. */
  static final String GENERATOR = "dev.parley.codegen.JavaGenerator";

  private Sources() {}

  static AnnotationSpec generated() {
    return AnnotationSpec.builder(JavaTypes.GENERATED).addMember("value", "$S", GENERATOR).build();
  }

  /** Javadoc text from a schema doc comment, made safe to place inside a Java comment. */
  static String docText(String doc) {
    return doc.replace("*/", "*&#47;").replace("@", "{@literal @}");
  }

  static CodeBlock javadoc(String doc) {
    return CodeBlock.of("$L\n", docText(doc));
  }
}

package dev.parley.codegen;

import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.parley.spec.Constant;
import dev.parley.spec.PrimitiveType;
import dev.parley.spec.SchemaFile;
import javax.lang.model.element.Modifier;

/** Generates {@code <File>Constants}: one {@code static final} field per {@code const}. */
final class ConstantsGenerator {

  private final JavaTypes types;

  ConstantsGenerator(JavaTypes types) {
    this.types = types;
  }

  TypeSpec constants(SchemaFile file) {
    TypeSpec.Builder spec = TypeSpec.classBuilder(JavaTypes.constantsClass(file))
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addAnnotation(Sources.generated())
        .alwaysQualify(types.clashingNames())
        .addJavadoc("The constants of {@code $L}.", file.path().getFileName())
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (Constant constant : file.constants()) {
      FieldSpec.Builder field = FieldSpec.builder(types.javaType(constant.type()), constant.name(),
              Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
          .initializer(Defaults.value(constant.type(), constant.value(), types));
      constant.doc().ifPresent(doc -> field.addJavadoc(Sources.javadoc(doc)));
      if (constant.type() == PrimitiveType.U64) {
        field.addJavadoc("<p>A u64: the long carries the unsigned bits ($L).",
            ((dev.parley.spec.Value.IntegerValue) constant.value()).value());
      }
      spec.addField(field.build());
    }
    return spec.build();
  }
}

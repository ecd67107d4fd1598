package dev.parley.spec.compat;

import dev.parley.spec.Constant;
import dev.parley.spec.Declaration;
import dev.parley.spec.EnumType;
import dev.parley.spec.Field;
import dev.parley.spec.FileOptions;
import dev.parley.spec.FlagsType;
import dev.parley.spec.MessageType;
import dev.parley.spec.SchemaFile;
import dev.parley.spec.StructType;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Writes a schema file of the model back as {@code .parley} text that links to the same model:
 * every option spelled out, doc comments kept, one declaration after another. Imports are
 * written as the imported file's name, and named types by their simple name, so it serves files
 * whose imports sit beside them and whose simple type names are unambiguous, such as those of
 * {@link dev.parley.spec.RandomSchema}.
 */
public final class SchemaPrinter {

  private SchemaPrinter() {}

  public static String print(SchemaFile file) {
    StringBuilder out = new StringBuilder("package ").append(file.packageName()).append(";\n");
    for (Path imported : file.imports()) {
      out.append("import ").append(Values.quote(imported.getFileName().toString())).append(";\n");
    }
    FileOptions options = file.options();
    options.javaPackage().ifPresent(p -> out.append("option java_package = ").append(Values.quote(p)).append(";\n"));
    out.append("option byte_order = ")
        .append(options.byteOrder() == ByteOrder.BIG_ENDIAN ? "big_endian" : "little_endian").append(";\n")
        .append("option length_prefix = ").append(options.lengthPrefix().keyword()).append(";\n")
        .append("option type_id = ").append(options.typeId().keyword()).append(";\n")
        .append("option max_frame_length = ").append(options.maxFrameLength()).append(";\n");
    for (Declaration declaration : file.declarations()) {
      out.append('\n');
      doc(out, "", declaration.doc());
      declaration(out, declaration);
    }
    return out.toString();
  }

  private static void declaration(StringBuilder out, Declaration declaration) {
    if (declaration instanceof Constant c) {
      out.append("const ").append(c.type().displayName()).append(' ').append(c.name()).append(" = ")
          .append(Values.source(c.value())).append(";\n");
    } else if (declaration instanceof EnumType e) {
      members(out, "enum " + e.name() + " : " + e.underlying().keyword(), e.constants().stream()
          .map(c -> new Member(c.doc(), c.name() + " = " + c.value())).toList());
    } else if (declaration instanceof FlagsType f) {
      members(out, "flags " + f.name() + " : " + f.underlying().keyword(), f.bits().stream()
          .map(b -> new Member(b.doc(), b.name() + " = " + b.position())).toList());
    } else if (declaration instanceof StructType s) {
      out.append("struct ").append(s.name()).append(" {\n");
      fields(out, s.fields());
      out.append("}\n");
    } else if (declaration instanceof MessageType m) {
      out.append("message ").append(m.name()).append(" = ").append(m.id()).append(" {\n");
      fields(out, m.fields());
      out.append("}\n");
    }
  }

  /** An enum constant or a flag bit as written, {@code NAME = number}, and its doc comment. */
  private record Member(Optional<String> doc, String text) {}

  private static void members(StringBuilder out, String header, List<Member> members) {
    out.append(header).append(" {\n");
    for (Member member : members) {
      doc(out, "  ", member.doc());
      out.append("  ").append(member.text()).append(";\n");
    }
    out.append("}\n");
  }

  private static void fields(StringBuilder out, List<Field> fields) {
    for (Field field : fields) {
      doc(out, "  ", field.doc());
      out.append("  ");
      if (field.since() > 1) {
        out.append("@since(").append(field.since()).append(") ");
      }
      out.append(Types.spell(field, false)).append(' ').append(field.name());
      field.defaultValue().ifPresent(v -> out.append(" = ").append(Values.source(v)));
      out.append(";\n");
    }
  }

  private static void doc(StringBuilder out, String indent, Optional<String> doc) {
    if (doc.isPresent()) {
      out.append(indent).append("/**\n");
      for (String line : doc.get().split("\n", -1)) {
        out.append(indent).append(" *").append(line.isEmpty() ? "" : " " + line).append('\n');
      }
      out.append(indent).append(" */\n");
    }
  }
}

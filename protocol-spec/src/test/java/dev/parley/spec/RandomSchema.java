package dev.parley.spec;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Generates random valid schemas from every construct of the grammar, with the summary of the
 * model they must link to. Formatting varies (spacing, line breaks, comments, doc comments,
 * explicit default widths) so the property covers the lexer as well as the linker. Public, so that
 * property tests of other packages (and, through the test jar, other modules) can start from it.
 */
public final class RandomSchema {

  /** A schema's text and the summary of its expected model, one line per declaration. */
  public record Generated(String text, List<String> summary) {}

  private static final String[] ENUM_UNDERLYING = {"u8", "u16", "u32", "i8", "i16", "i32"};
  private static final String[] FLAGS_UNDERLYING = {"u8", "u16", "u32", "u64"};
  private static final String[] PRIMITIVES = {
    "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32", "f64", "bool"
  };
  private static final String[] WIDTHS = {"u8", "u16", "u32"};

  private final Random rnd;
  private final StringBuilder out = new StringBuilder();
  private final List<String> summary = new ArrayList<>();
  private final Set<String> typeNames = new HashSet<>();
  private final List<String> structs = new ArrayList<>();
  private final List<String[]> enums = new ArrayList<>(); // name, first constant
  private final List<String[]> flags = new ArrayList<>(); // name, first bit
  private int typeIdMax = 65535;

  private RandomSchema(long seed) {
    this.rnd = new Random(seed);
  }

  /** A valid single-file schema, the same for the same seed. */
  public static Generated generate(long seed) {
    return new RandomSchema(seed).build();
  }

  private Generated build() {
    maybeDoc();
    emit("package", "p" + rnd.nextInt(100) + "." + pick("v1", "message", "wire", "x_y"), ";");
    newline();
    if (rnd.nextBoolean()) {
      emit("option", "byte_order", "=", pick("big_endian", "little_endian"), ";");
    }
    String lengthPrefix = "u32";
    if (rnd.nextBoolean()) {
      lengthPrefix = pick("u16", "u32");
      emit("option", "length_prefix", "=", lengthPrefix, ";");
    }
    if (rnd.nextBoolean()) {
      String typeId = pick("u8", "u16");
      typeIdMax = typeId.equals("u8") ? 255 : 65535;
      emit("option", "type_id", "=", typeId, ";");
    }
    if (rnd.nextInt(4) == 0) {
      emit("option", "max_frame_length", "=", String.valueOf(lengthPrefix.equals("u16") ? 65535 : 1 << 24), ";");
    }
    if (rnd.nextInt(4) == 0) {
      emit("option", "java_package", "=", "\"com.example.gen" + rnd.nextInt(10) + "\"", ";");
    }
    newline();
    int declarations = 1 + rnd.nextInt(25);
    Set<Integer> ids = new HashSet<>();
    for (int i = 0; i < declarations; i++) {
      maybeDoc();
      switch (rnd.nextInt(6)) {
        case 0 -> constant();
        case 1 -> enumeration();
        case 2 -> flagsType();
        case 3 -> struct();
        default -> message(ids);
      }
      newline();
    }
    return new Generated(out.toString(), summary);
  }

  private void constant() {
    String name = "K_" + typeName().toUpperCase(java.util.Locale.ROOT);
    String type = rnd.nextInt(5) == 0 ? "string" : pick(PRIMITIVES);
    String value = type.equals("string") ? "\"s" + rnd.nextInt(1000) + "\"" : literalFor(type);
    emit("const", type, name, "=", value, ";");
    summary.add("const " + name + ": " + type);
  }

  private void enumeration() {
    String name = typeName();
    String underlying = pick(ENUM_UNDERLYING);
    PrimitiveType type = PrimitiveType.forKeyword(underlying).orElseThrow();
    emit("enum", name, ":", underlying, "{");
    int count = 1 + rnd.nextInt(5);
    Set<BigInteger> used = new HashSet<>();
    List<String> constants = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      BigInteger value = integerIn(type);
      if (!used.add(value)) {
        continue;
      }
      String constant = "C" + i;
      maybeDoc();
      emit(constant, "=", literal(value), ";");
      constants.add(constant + "=" + value);
    }
    emit("}");
    enums.add(new String[] {name, constants.get(0).substring(0, constants.get(0).indexOf('='))});
    summary.add("enum " + name + ": " + underlying + " " + constants);
  }

  private void flagsType() {
    String name = typeName();
    String underlying = pick(FLAGS_UNDERLYING);
    int width = PrimitiveType.forKeyword(underlying).orElseThrow().size() * 8;
    emit("flags", name, ":", underlying, "{");
    int count = 1 + rnd.nextInt(Math.min(width, 6));
    Set<Integer> used = new HashSet<>();
    List<String> bits = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int bit = rnd.nextBoolean() ? i : rnd.nextInt(width);
      if (!used.add(bit)) {
        continue;
      }
      emit("B" + i, "=", String.valueOf(bit), ";");
      bits.add("B" + i + "=" + bit);
    }
    emit("}");
    flags.add(new String[] {name, bits.get(0).substring(0, bits.get(0).indexOf('='))});
    summary.add("flags " + name + ": " + underlying + " " + bits);
  }

  private void struct() {
    String name = typeName();
    emit("struct", name, "{");
    List<String> fields = fields(false);
    emit("}");
    structs.add(name);
    summary.add("struct " + name + " " + fields);
  }

  private void message(Set<Integer> ids) {
    String name = typeName();
    int id;
    do {
      id = rnd.nextInt(typeIdMax + 1);
    } while (!ids.add(id));
    emit("message", name, "=", rnd.nextBoolean() ? String.valueOf(id) : "0x" + Integer.toHexString(id), "{");
    List<String> fields = fields(true);
    emit("}");
    summary.add("message " + name + " = " + id + " " + fields);
  }

  private List<String> fields(boolean inMessage) {
    List<String> fields = new ArrayList<>();
    // A struct has a field, so that it takes a byte and may be a list element.
    int count = inMessage ? rnd.nextInt(8) : 1 + rnd.nextInt(7);
    int since = 1;
    for (int i = 0; i < count; i++) {
      String name = "f" + i + pick("", "_a", "_bc", "x");
      boolean optional = rnd.nextInt(4) == 0;
      String[] type = type(2);
      if (inMessage && rnd.nextInt(4) == 0) {
        since += rnd.nextInt(2) + (since == 1 ? 1 : 0);
      }
      String defaultValue = since > 1 && !optional ? defaultFor(type) : null;
      if (since > 1 && defaultValue == null) {
        optional = true; // This type takes no default, so a later field of it must be optional.
      }
      maybeDoc();
      if (since > 1) {
        emit("@since(" + since + ")");
      }
      if (optional) {
        emit("optional");
      }
      emit(type[0], name);
      if (defaultValue != null) {
        emit("=", defaultValue);
      }
      emit(";");
      fields.add(name + ":" + type[1] + (optional ? "?" : "") + "@" + since);
    }
    return fields;
  }

  /** A type as written, and as {@link FieldType#displayName()} gives it. */
  private String[] type(int depth) {
    int choice = rnd.nextInt(depth > 0 ? 11 : 9);
    switch (choice) {
      case 0, 1, 2 -> {
        String p = pick(PRIMITIVES);
        return new String[] {p, p};
      }
      case 3 -> {
        String w = rnd.nextBoolean() ? "" : pick(WIDTHS);
        String display = w.isEmpty() || w.equals("u16") ? "string" : "string<" + w + ">";
        return new String[] {w.isEmpty() ? "string" : "string<" + w + ">", display};
      }
      case 4 -> {
        String w = rnd.nextBoolean() ? "" : pick(WIDTHS);
        String display = w.isEmpty() || w.equals("u16") ? "bytes" : "bytes<" + w + ">";
        return new String[] {w.isEmpty() ? "bytes" : "bytes<" + w + ">", display};
      }
      case 5 -> {
        String n = String.valueOf(1 + rnd.nextInt(32));
        return new String[] {"bytes[" + n + "]", "bytes[" + n + "]"};
      }
      case 6 -> {
        if (structs.isEmpty()) {
          return type(depth);
        }
        String s = structs.get(rnd.nextInt(structs.size()));
        return new String[] {s, s};
      }
      case 7 -> {
        if (enums.isEmpty()) {
          return type(depth);
        }
        String e = enums.get(rnd.nextInt(enums.size()))[0];
        return new String[] {e, e};
      }
      case 8 -> {
        if (flags.isEmpty()) {
          return type(depth);
        }
        String f = flags.get(rnd.nextInt(flags.size()))[0];
        return new String[] {f, f};
      }
      default -> {
        String[] element = type(depth - 1);
        String w = rnd.nextBoolean() ? "" : pick(WIDTHS);
        String written = "list<" + element[0] + (w.isEmpty() ? "" : ", " + w) + ">";
        String display = w.isEmpty() || w.equals("u16")
            ? "list<" + element[1] + ">" : "list<" + element[1] + ", " + w + ">";
        return new String[] {written, display};
      }
    }
  }

  /** A valid default for a type, or null when the type takes none. */
  private String defaultFor(String[] type) {
    String display = type[1];
    if (display.startsWith("list<") || display.startsWith("bytes") && !display.startsWith("bytes[")) {
      return "[]";
    }
    if (display.startsWith("string")) {
      return "\"d\"";
    }
    if (PrimitiveType.forKeyword(display).isPresent()) {
      return literalFor(display);
    }
    for (String[] e : enums) {
      if (e[0].equals(display)) {
        return e[1];
      }
    }
    for (String[] f : flags) {
      if (f[0].equals(display)) {
        return rnd.nextBoolean() ? "{}" : "{" + f[1] + "}";
      }
    }
    return null;
  }

  private String literalFor(String primitive) {
    PrimitiveType type = PrimitiveType.forKeyword(primitive).orElseThrow();
    if (type == PrimitiveType.BOOL) {
      return pick("true", "false");
    }
    if (type.isFloatingPoint()) {
      return pick("0.5", "-1.25", "3", "1e3", "-2.5E-3");
    }
    return literal(integerIn(type));
  }

  private BigInteger integerIn(PrimitiveType type) {
    return switch (rnd.nextInt(4)) {
      case 0 -> type.minValue();
      case 1 -> type.maxValue();
      case 2 -> BigInteger.ZERO;
      default -> type.minValue().add(new BigInteger(type.size() * 8, rnd)
          .mod(type.maxValue().subtract(type.minValue()).add(BigInteger.ONE)));
    };
  }

  private String literal(BigInteger value) {
    if (value.signum() >= 0 && rnd.nextInt(3) == 0) {
      return "0x" + value.toString(16).toUpperCase(java.util.Locale.ROOT);
    }
    return value.toString();
  }

  private String typeName() {
    String name;
    do {
      name = "T" + pick("ype", "hing", "ick", "") + rnd.nextInt(1000);
    } while (!typeNames.add(name));
    return name;
  }

  private void maybeDoc() {
    if (rnd.nextInt(5) == 0) {
      out.append(pick("/** Doc. */\n", "/**\n * Longer doc.\n */\n", "// line comment\n", "/* block */ "));
    }
  }

  /** Writes tokens separated by varied white space. */
  private void emit(String... tokens) {
    for (String token : tokens) {
      out.append(token).append(pick(" ", " ", "  ", "\n", "\t", " /* c */ "));
    }
  }

  private void newline() {
    out.append('\n');
  }

  private String pick(String... choices) {
    return choices[rnd.nextInt(choices.length)];
  }
}

package dev.parley.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a large, valid schema of {@value #DECLARATIONS} declarations, the same every time (the
 * random choices use a fixed seed), so that the checker can be measured on something the size of a
 * big real protocol and the same files can be handed to {@code parley check}.
 *
 * <p>Five files: {@code common.parley} declares constants, enums, flags and structs; four service
 * files ({@code trading}, {@code market}, {@code accounts}, {@code admin}) each import it, declare a
 * few types of their own and then mostly messages. Every reference is to a declaration written
 * earlier, in the same file or in {@code common.parley}, sometimes by its qualified name. Names are
 * unique across the files, so no simple name is ambiguous.
 *
 * <p>Run {@code java -cp benchmarks/target/benchmarks.jar dev.parley.benchmarks.LargeSchema DIR}
 * to write the files into {@code DIR}.
 */
public final class LargeSchema {

  /** Declarations across all files. */
  public static final int DECLARATIONS = 5_000;

  /** The kinds of declaration, in the order the summary lists them. */
  public enum Kind { CONST, ENUM, FLAGS, STRUCT, MESSAGE }

  private static final String COMMON_FILE = "common.parley";
  private static final String COMMON_PACKAGE = "bench.common";
  private static final List<String> SERVICES = List.of("trading", "market", "accounts", "admin");

  /** How many of each kind common.parley declares: 2,000 in all. */
  private static final Map<Kind, Integer> COMMON_PLAN = plan(160, 240, 80, 1520, 0);

  /** How many of each kind every service file declares: 750 in all, 3,000 over four files. */
  private static final Map<Kind, Integer> SERVICE_PLAN = plan(10, 15, 5, 70, 650);

  /** A struct embedded directly (not in a list or as optional) is at most this many bytes. */
  private static final int MAX_EMBEDDED_SIZE = 48;

  private static final long SEED = 0x5EED_2026L;

  private static final String[] FIELD_WORDS = {
    "account_id", "order_id", "client_ref", "instrument", "venue", "side", "price", "quantity",
    "filled", "remaining", "status", "reason", "created_at", "updated_at", "expires_at", "owner",
    "region", "currency", "amount", "balance", "limit", "threshold", "sequence", "session",
    "checksum", "digest", "payload", "label", "description", "kind", "level", "score", "origin",
    "target", "count", "index", "offset", "width", "height", "depth", "ratio", "enabled",
    "visible", "token", "nonce", "version_tag", "parent", "children",
  };

  private static final String[] TYPE_WORDS = {
    "Order", "Quote", "Trade", "Fill", "Account", "Position", "Balance", "Venue", "Instrument",
    "Session", "Ledger", "Transfer", "Limit", "Risk", "Audit", "Price", "Level", "Book", "Route",
    "Margin",
  };

  private static final String[] MESSAGE_WORDS = {
    "Submit", "Cancel", "Amend", "Ack", "Reject", "Query", "Report", "Snapshot", "Update",
    "Subscribe", "Unsubscribe", "Notify", "Request", "Reply", "Heartbeat", "Reset",
  };

  private static final String[] CONSTANT_WORDS = {
    "NONE", "NEW", "OPEN", "PARTIAL", "FILLED", "CANCELLED", "REJECTED", "EXPIRED", "PENDING",
    "ACTIVE", "HALTED", "CLOSED", "SUSPENDED", "UNKNOWN", "DRAFT", "ARCHIVED",
  };

  private static final String[] BIT_WORDS = {
    "READ", "WRITE", "ADMIN", "AUDIT", "TRADE", "QUOTE", "CANCEL", "AMEND", "HIDDEN", "URGENT",
    "RETRY", "SIGNED", "COMPRESSED", "ENCRYPTED", "MIRRORED", "PINNED",
  };

  private static final String[] PRIMITIVES = {"u8", "u16", "u32", "u64", "i32", "i64", "f64", "bool"};
  private static final int[] PRIMITIVE_SIZES = {1, 2, 4, 8, 4, 8, 8, 1};

  /** An enum or flags type, with its members, as far as later fields need to know it. */
  private record Members(String name, String qualifiedName, List<String> members, int size) {}

  /** A struct, with the fewest bytes it takes on the wire. */
  private record Struct(String name, String qualifiedName, int minimumSize) {}

  /** A field type as written, and the fewest bytes it takes. */
  private record TypeText(String text, int minimumSize) {}

  /** The declarations a file can refer to: those of common.parley, then its own so far. */
  private static final class Scope {
    final List<Members> enums = new ArrayList<>();
    final List<Members> flags = new ArrayList<>();
    final List<Struct> structs = new ArrayList<>();
    /** Whether the file imports common.parley, whose types it may name by qualified name. */
    boolean importsCommon;

    /** The scope a file importing this one starts with. */
    Scope copy() {
      Scope copy = new Scope();
      copy.enums.addAll(enums);
      copy.flags.addAll(flags);
      copy.structs.addAll(structs);
      copy.importsCommon = true;
      return copy;
    }
  }

  private final SplittableRandom random = new SplittableRandom(SEED);
  private final Map<Kind, Integer> written = new EnumMap<>(Kind.class);
  private int nextName = 1;
  private int nextMessageId = 1;

  private LargeSchema() {
    for (Kind kind : Kind.values()) {
      written.put(kind, 0);
    }
  }

  /**
   * Writes the schema's files into {@code folder}, replacing files of the same names, and returns
   * their paths: common.parley first, then the four service files that import it.
   */
  public static List<Path> write(Path folder) throws IOException {
    return new LargeSchema().writeFiles(folder);
  }

  /** How many declarations of each kind {@link #write} writes, over all files. */
  public static Map<Kind, Integer> shape() {
    Map<Kind, Integer> shape = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      shape.put(kind, COMMON_PLAN.get(kind) + SERVICES.size() * SERVICE_PLAN.get(kind));
    }
    return shape;
  }

  /** Writes the schema into the folder named by the only argument, creating it if needed. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: java -cp benchmarks.jar dev.parley.benchmarks.LargeSchema DIR");
      System.exit(2);
    }
    Path folder = Files.createDirectories(Path.of(args[0]));
    for (Path file : write(folder)) {
      System.out.printf(Locale.ROOT, "wrote %s (%,d bytes)%n", file, Files.size(file));
    }
    System.out.println("declarations: " + shape());
  }

  private List<Path> writeFiles(Path folder) throws IOException {
    List<Path> files = new ArrayList<>();
    Scope common = new Scope();
    StringBuilder out = new StringBuilder(1 << 20);
    out.append("/**\n * Types shared by every service of the benchmark protocol.\n */\n")
        .append("package ").append(COMMON_PACKAGE).append(";\n\n")
        .append("option java_package = \"dev.parley.bench.common\";\n");
    declarations(out, common, COMMON_PLAN, COMMON_PACKAGE);
    files.add(save(folder.resolve(COMMON_FILE), out));

    for (String service : SERVICES) {
      Scope scope = common.copy();
      String packageName = "bench." + service;
      out.setLength(0);
      out.append("/**\n * The ").append(service).append(" service: requests, replies and events.\n */\n")
          .append("package ").append(packageName).append(";\n\n")
          .append("import \"").append(COMMON_FILE).append("\";\n");
      if (service.equals("market")) {
        out.append("\noption max_frame_length = 65536;\n");
      }
      declarations(out, scope, SERVICE_PLAN, packageName);
      files.add(save(folder.resolve(service + ".parley"), out));
    }
    if (!written.equals(shape())) {
      throw new AssertionError("wrote " + written + ", planned " + shape());
    }
    return files;
  }

  private static Path save(Path file, StringBuilder text) throws IOException {
    return Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static Map<Kind, Integer> plan(int constants, int enums, int flags, int structs, int messages) {
    Map<Kind, Integer> plan = new EnumMap<>(Kind.class);
    plan.put(Kind.CONST, constants);
    plan.put(Kind.ENUM, enums);
    plan.put(Kind.FLAGS, flags);
    plan.put(Kind.STRUCT, structs);
    plan.put(Kind.MESSAGE, messages);
    return plan;
  }

  /**
   * Writes the declarations {@code plan} asks for, interleaved in a shuffled order, except that
   * the first four are a constant, an enum, a flags type and a struct so that later declarations
   * always have something of each kind to refer to.
   */
  private void declarations(StringBuilder out, Scope scope, Map<Kind, Integer> plan, String packageName) {
    List<Kind> order = new ArrayList<>();
    plan.forEach((kind, count) -> {
      for (int i = 0; i < count; i++) {
        order.add(kind);
      }
    });
    List<Kind> first = List.of(Kind.CONST, Kind.ENUM, Kind.FLAGS, Kind.STRUCT);
    for (Kind kind : first) {
      order.remove(kind);
    }
    for (int i = order.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Kind swap = order.get(i);
      order.set(i, order.get(j));
      order.set(j, swap);
    }
    order.addAll(0, first);
    for (int i = 0; i < order.size(); i++) {
      if (i % 100 == 0) {
        out.append("\n// ---- Part ").append(i / 100 + 1).append(" ----\n");
      }
      out.append('\n');
      Kind kind = order.get(i);
      switch (kind) {
        case CONST -> constant(out);
        case ENUM -> members(out, scope, false, packageName);
        case FLAGS -> members(out, scope, true, packageName);
        case STRUCT -> struct(out, scope, packageName);
        case MESSAGE -> message(out, scope);
      }
      written.merge(kind, 1, Integer::sum);
    }
  }

  private void constant(StringBuilder out) {
    String name = "MAX_" + pick(TYPE_WORDS).toUpperCase(Locale.ROOT) + "_" + nextName++;
    doc(out, "", "Limit on " + name.toLowerCase(Locale.ROOT).replace('_', ' ') + ".");
    String declaration = switch (random.nextInt(6)) {
      case 0 -> "const u16 " + name + " = " + random.nextInt(1, 65536) + ";";
      case 1 -> "const u32 " + name + " = 0x" + Integer.toHexString(random.nextInt(1, 1 << 24)) + ";";
      case 2 -> "const i64 " + name + " = " + (random.nextLong(2_000_000_000L) - 1_000_000_000L) + ";";
      case 3 -> "const f64 " + name + " = " + random.nextInt(1, 1000) + "." + random.nextInt(100) + ";";
      case 4 -> "const bool " + name + " = " + random.nextBoolean() + ";";
      default -> "const string " + name + " = \"" + pick(FIELD_WORDS) + "\\t" + nextName + "\";";
    };
    out.append(declaration).append('\n');
  }

  private void members(StringBuilder out, Scope scope, boolean isFlags, String packageName) {
    String name = pick(TYPE_WORDS) + (isFlags ? "Flags" : "Kind") + nextName++;
    String[] words = isFlags ? BIT_WORDS : CONSTANT_WORDS;
    int count = isFlags ? random.nextInt(2, 9) : random.nextInt(2, 7);
    List<String> members = distinct(words, count);
    String underlying;
    int size;
    if (isFlags) {
      int roll = random.nextInt(10);
      underlying = roll < 6 ? "u8" : roll < 8 ? "u16" : "u32";
      size = roll < 6 ? 1 : roll < 8 ? 2 : 4;
    } else {
      int roll = random.nextInt(10);
      underlying = roll < 7 ? "u8" : roll < 9 ? "u16" : "i32";
      size = roll < 7 ? 1 : roll < 9 ? 2 : 4;
    }
    doc(out, "", (isFlags ? "Bits of " : "States of ") + name + ".");
    out.append(isFlags ? "flags " : "enum ").append(name).append(" : ").append(underlying).append(" {\n");
    int start = isFlags ? 0 : random.nextInt(2);
    for (int i = 0; i < members.size(); i++) {
      out.append("  ").append(members.get(i)).append(" = ").append(start + i).append(";\n");
    }
    out.append("}\n");
    Members declared = new Members(name, packageName + "." + name, members, size);
    (isFlags ? scope.flags : scope.enums).add(declared);
  }

  private void struct(StringBuilder out, Scope scope, String packageName) {
    String name = pick(TYPE_WORDS) + nextName++;
    doc(out, "", "A " + name + " as carried inside messages.");
    out.append("struct ").append(name).append(" {\n");
    int size = 0;
    for (String field : distinct(FIELD_WORDS, random.nextInt(2, 9))) {
      size += field(out, scope, field, size);
    }
    out.append("}\n");
    scope.structs.add(new Struct(name, packageName + "." + name, size));
  }

  private void message(StringBuilder out, Scope scope) {
    String name = pick(MESSAGE_WORDS) + pick(TYPE_WORDS) + nextName++;
    doc(out, "", "The " + name + " request, reply or event.");
    out.append("message ").append(name).append(" = ").append(nextMessageId++).append(" {\n");
    int size = 0;
    for (String field : distinct(FIELD_WORDS, random.nextInt(2, 11))) {
      size += field(out, scope, field, size);
    }
    if (random.nextInt(10) < 4) {
      evolvedFields(out, scope);
    }
    out.append("}\n");
  }

  /**
   * Writes one field and returns the fewest bytes it takes. Structs are embedded directly only
   * while small, so that no message approaches max_frame_length; larger ones go into lists.
   */
  private int field(StringBuilder out, Scope scope, String name, int sizeSoFar) {
    if (random.nextInt(10) == 0) {
      doc(out, "  ", "The " + name.replace('_', ' ') + ".");
    }
    boolean optional = random.nextInt(100) < 12;
    TypeText type = fieldType(scope, sizeSoFar < 256);
    out.append("  ");
    if (optional) {
      out.append("optional ");
    }
    out.append(type.text()).append(' ').append(name).append(";\n");
    return optional ? 1 : type.minimumSize();
  }

  private TypeText fieldType(Scope scope, boolean mayEmbed) {
    int roll = random.nextInt(100);
    if (roll < 34) {
      return primitive();
    } else if (roll < 46) {
      return random.nextInt(3) == 0 ? new TypeText("string<u8>", 1) : new TypeText("string", 2);
    } else if (roll < 54) {
      return new TypeText("bytes[16]", 16);
    } else if (roll < 57) {
      return new TypeText("bytes", 2);
    } else if (roll < 65) {
      Members e = scope.enums.get(random.nextInt(scope.enums.size()));
      return new TypeText(reference(scope, e.name(), e.qualifiedName()), e.size());
    } else if (roll < 70) {
      Members f = scope.flags.get(random.nextInt(scope.flags.size()));
      return new TypeText(reference(scope, f.name(), f.qualifiedName()), f.size());
    } else if (roll < 94 && !scope.structs.isEmpty()) {
      Struct s = earlierStruct(scope);
      String text = reference(scope, s.name(), s.qualifiedName());
      if (roll < 84 && mayEmbed && s.minimumSize() <= MAX_EMBEDDED_SIZE) {
        return new TypeText(text, s.minimumSize());
      }
      return random.nextInt(4) == 0 ? new TypeText("list<" + text + ", u8>", 1)
          : new TypeText("list<" + text + ">", 2);
    }
    String element = random.nextBoolean() ? primitive().text() : "string<u8>";
    return new TypeText("list<" + element + ">", 2);
  }

  /** Mostly one of the last 64 structs, so that chains of structs grow long; else any. */
  private Struct earlierStruct(Scope scope) {
    List<Struct> structs = scope.structs;
    if (random.nextInt(10) < 7) {
      return structs.get(structs.size() - 1 - random.nextInt(Math.min(structs.size(), 64)));
    }
    return structs.get(random.nextInt(structs.size()));
  }

  /** A type's simple name, or now and then its qualified name when it comes from another file. */
  private String reference(Scope scope, String name, String qualifiedName) {
    boolean imported = scope.importsCommon && qualifiedName.startsWith(COMMON_PACKAGE + ".");
    return imported && random.nextInt(10) == 0 ? qualifiedName : name;
  }

  private TypeText primitive() {
    int i = random.nextInt(PRIMITIVES.length);
    return new TypeText(PRIMITIVES[i], PRIMITIVE_SIZES[i]);
  }

  /**
   * Fields a later version added: {@code @since(2)}, sometimes followed by a {@code @since(3)},
   * each with a default or optional, as the rules of evolution require.
   */
  private void evolvedFields(StringBuilder out, Scope scope) {
    List<String> kinds = distinct(new String[] {
        "retries", "note", "mode", "labels", "urgent", "extras", "tag", "weight", "priority"},
        random.nextInt(1, 4));
    if (random.nextInt(10) == 0) {
      kinds.add("deadline");
    }
    for (String kind : kinds) {
      String since = kind.equals("deadline") ? "@since(3) " : "@since(2) ";
      out.append("  ").append(since).append(switch (kind) {
        case "retries" -> "u32 retries = 3;";
        case "note" -> "optional string note;";
        case "mode" -> {
          Members e = scope.enums.get(random.nextInt(scope.enums.size()));
          yield e.name() + " mode = " + e.members().get(random.nextInt(e.members().size())) + ";";
        }
        case "labels" -> {
          Members f = scope.flags.get(random.nextInt(scope.flags.size()));
          List<String> bits = f.members().subList(0, random.nextInt(Math.min(3, f.members().size()) + 1));
          yield f.name() + " labels = {" + String.join(", ", bits) + "};";
        }
        case "urgent" -> "bool urgent = false;";
        case "extras" -> "list<" + earlierStruct(scope).name() + "> extras = [];";
        case "tag" -> "string<u8> tag = \"v2\";";
        case "weight" -> "f64 weight = 1.5;";
        case "priority" -> "i16 priority = -1;";
        default -> "optional u64 deadline;";
      }).append('\n');
    }
  }

  private void doc(StringBuilder out, String indent, String text) {
    if (random.nextInt(10) < 4) {
      out.append(indent).append("/** ").append(text).append(" */\n");
    }
  }

  private String pick(String[] words) {
    return words[random.nextInt(words.length)];
  }

  /** {@code count} different words, in a random order (a partial Fisher-Yates shuffle). */
  private List<String> distinct(String[] words, int count) {
    String[] copy = words.clone();
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int j = random.nextInt(i, copy.length);
      String swap = copy[i];
      copy[i] = copy[j];
      copy[j] = swap;
      out.add(copy[i]);
    }
    return out;
  }
}

package dev.parley.spec;

import com.google.common.collect.ImmutableSet;
import java.util.Locale;

/**
 * How schema names become Java names. The rules are written in SPEC.md ("Java names"); the linker
 * checks every name against them, and the generators use them, so both agree by construction.
 */
public final class JavaNames {

  /** Java's reserved keywords and literals: no schema name may map to one of them. */
  private static final ImmutableSet<String> KEYWORDS = ImmutableSet.of(
      "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
      "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally",
      "float", "for", "goto", "if", "implements", "import", "instanceof", "int", "interface",
      "long", "native", "new", "package", "private", "protected", "public", "return", "short",
      "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws",
      "transient", "try", "void", "volatile", "while", "true", "false", "null", "_");

  /**
   * Names a record component may not take: those the Java language forbids (they would override
   * methods of {@code Object}) and those the generated records and codecs use themselves.
   */
  private static final ImmutableSet<String> RESERVED_MEMBER_NAMES = ImmutableSet.<String>builder()
      .add("clone", "finalize", "getClass", "hashCode", "notify", "notifyAll", "toString", "wait")
      .addAll(java.util.Arrays.stream(GeneratedMember.values()).map(GeneratedMember::javaName).toList())
      .build();

  private JavaNames() {}

  /** Whether {@code name} is a Java keyword or literal, which no Java identifier may be. */
  public static boolean isKeyword(String name) {
    return KEYWORDS.contains(name);
  }

  /** Whether a record component may not be called {@code javaName}. */
  public static boolean isReservedMemberName(String javaName) {
    return RESERVED_MEMBER_NAMES.contains(javaName);
  }

  /**
   * The Java name of a field: {@code order_id} becomes {@code orderId}; a name without
   * underscores stays as written. The linker has already refused leading, trailing and doubled
   * underscores, and names that do not start with a lowercase letter.
   */
  public static String fieldName(String schemaName) {
    StringBuilder out = new StringBuilder(schemaName.length());
    boolean upperNext = false;
    for (int i = 0; i < schemaName.length(); i++) {
      char c = schemaName.charAt(i);
      if (c == '_') {
        upperNext = true;
      } else if (upperNext) {
        out.append(Character.toUpperCase(c));
        upperNext = false;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * The prefix of the per-file types, from the file name without {@code .parley}: its parts between
   * {@code _}, {@code -} and {@code .}, each with its first letter in upper case.
   * {@code market_data.parley} gives {@code MarketData}; {@code chat.v2.parley} gives
   * {@code ChatV2}.
   */
  public static String filePrefix(String fileName) {
    String base = fileName.endsWith(".parley")
        ? fileName.substring(0, fileName.length() - ".parley".length())
        : fileName;
    StringBuilder out = new StringBuilder(base.length());
    for (String part : base.split("[_.\\-]+")) {
      if (!part.isEmpty()) {
        out.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
      }
    }
    return out.toString();
  }

  /** Whether {@code name} can be used as a Java identifier and is not a keyword. */
  public static boolean isIdentifier(String name) {
    if (name.isEmpty() || isKeyword(name) || !Character.isJavaIdentifierStart(name.charAt(0))) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      if (!Character.isJavaIdentifierPart(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}

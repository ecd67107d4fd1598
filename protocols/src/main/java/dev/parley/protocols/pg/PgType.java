package dev.parley.protocols.pg;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The types {@link PgServer} knows, by their PostgreSQL oids, in text format and in binary format
 * (network order integers, one byte for bool, UTF-8 for text), as PgJDBC asks for some of them.
 */
enum PgType {
  BOOL(16, 1, "bool"),
  INT8(20, 8, "int8"),
  INT2(21, 2, "int2"),
  INT4(23, 4, "int4"),
  TEXT(25, -1, "text"),
  VARCHAR(1043, -1, "varchar"),
  NUMERIC(1700, -1, "numeric");

  private final int oid;
  private final int size;
  private final String typeName;

  PgType(int oid, int size, String typeName) {
    this.oid = oid;
    this.size = size;
    this.typeName = typeName;
  }

  int oid() {
    return oid;
  }

  /** The size RowDescription announces: the binary width, or -1 for a variable one. */
  short size() {
    return (short) size;
  }

  String typeName() {
    return typeName;
  }

  /** The type of {@code oid}; 0 (unspecified) and types pg-server does not know are text. */
  static PgType of(int oid) {
    for (PgType type : values()) {
      if (type.oid == oid) {
        return type;
      }
    }
    return TEXT;
  }

  /** The type a cast names ({@code ::int}, {@code ::integer}, {@code ::bigint}, {@code ::boolean}...). */
  static Optional<PgType> named(String name) {
    return Optional.ofNullable(switch (name.toLowerCase(Locale.ROOT)) {
      case "bool", "boolean" -> BOOL;
      case "int8", "bigint" -> INT8;
      case "int2", "smallint" -> INT2;
      case "int4", "int", "integer" -> INT4;
      case "text" -> TEXT;
      case "varchar" -> VARCHAR;
      case "numeric", "decimal" -> NUMERIC;
      default -> null;
    });
  }

  /**
   * {@code text} as a value of this type, in its canonical text form ({@code " 7"} as int4 is
   * {@code 7}, {@code yes} as bool is {@code t}).
   *
   * @throws PgException 22P02 for text that is no value of the type, 22003 for one out of its range
   */
  String fromText(String text) throws PgException {
    try {
      return switch (this) {
        case BOOL -> switch (text.strip().toLowerCase(Locale.ROOT)) {
          case "t", "true", "y", "yes", "on", "1" -> "t";
          case "f", "false", "n", "no", "off", "0" -> "f";
          default -> throw invalid(text);
        };
        case INT2 -> Short.toString(Short.parseShort(text.strip()));
        case INT4 -> Integer.toString(Integer.parseInt(text.strip()));
        case INT8 -> Long.toString(Long.parseLong(text.strip()));
        case NUMERIC -> new BigDecimal(text.strip()).toPlainString();
        case TEXT, VARCHAR -> text;
      };
    } catch (NumberFormatException e) {
      if (this != NUMERIC && text.strip().matches("[+-]?[0-9]+")) {
        throw PgException.error("22003", "value \"" + text + "\" is out of range for type " + longName());
      }
      throw invalid(text);
    }
  }

  private PgException invalid(String text) {
    return PgException.error("22P02", "invalid input syntax for type " + longName() + ": \"" + text + "\"");
  }

  private String longName() {
    return switch (this) {
      case BOOL -> "boolean";
      case INT2 -> "smallint";
      case INT4 -> "integer";
      case INT8 -> "bigint";
      default -> typeName;
    };
  }

  /**
   * A value of this type in binary format, from its canonical text.
   *
   * @throws PgException 0A000 for numeric, whose binary format pg-server does not write
   */
  byte[] toBinary(String text) throws PgException {
    return switch (this) {
      case BOOL -> new byte[] {(byte) (text.equals("t") ? 1 : 0)};
      case INT2 -> ByteBuffer.allocate(2).putShort(Short.parseShort(text)).array();
      case INT4 -> ByteBuffer.allocate(4).putInt(Integer.parseInt(text)).array();
      case INT8 -> ByteBuffer.allocate(8).putLong(Long.parseLong(text)).array();
      case TEXT, VARCHAR -> text.getBytes(StandardCharsets.UTF_8);
      case NUMERIC -> throw PgException.error("0A000", "binary format for numeric is not supported");
    };
  }

  /**
   * A value of this type in binary format, as its text.
   *
   * @throws PgException 22P03 for bytes of the wrong size, 22021 for text that is not UTF-8
   */
  String fromBinary(byte[] bytes) throws PgException {
    if (size > 0 && bytes.length != size) {
      throw PgException.error("22P03", "incorrect binary data format: " + bytes.length + " bytes for " + typeName);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    return switch (this) {
      case BOOL -> bytes[0] != 0 ? "t" : "f";
      case INT2 -> Short.toString(in.getShort());
      case INT4 -> Integer.toString(in.getInt());
      case INT8 -> Long.toString(in.getLong());
      case TEXT, VARCHAR -> utf8(bytes);
      case NUMERIC -> throw PgException.error("0A000", "binary format for numeric is not supported");
    };
  }

  /** {@code bytes} as UTF-8, strictly: PostgreSQL refuses malformed text, and NUL, with 22021. */
  static String utf8(byte[] bytes) throws PgException {
    for (byte b : bytes) {
      if (b == 0) {
        throw PgException.error("22021", "invalid byte sequence for encoding \"UTF8\": 0x00");
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw PgException.error("22021", "invalid byte sequence for encoding \"UTF8\"");
    }
  }
}

package dev.parley.protocols.pg;

import dev.parley.protocols.pg.backend.ErrorResponse;
import dev.parley.protocols.pg.backend.NoticeField;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An error a PostgreSQL server reported in an ErrorResponse: its severity, SQLSTATE and message,
 * and every other field it sent. After an {@code ERROR} the connection is still usable; after a
 * {@code FATAL} (a failed authentication, a protocol violation) the server has closed it.
 */
public final class PgException extends IOException {

  private static final long serialVersionUID = 1L;

  /** An unmodifiable view of a LinkedHashMap, which serializes. */
  private final Map<Character, String> fields;

  /** An error with the fields of an ErrorResponse, by code ('S' severity, 'C' SQLSTATE, 'M' message...). */
  public PgException(Map<Character, String> fields) {
    super(fields.getOrDefault('S', "ERROR") + " " + fields.getOrDefault('C', "XX000") + ": "
        + fields.getOrDefault('M', "(no message)"));
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** An error of {@code severity} ({@code ERROR}, {@code FATAL}) with {@code sqlState} and {@code message}. */
  public static PgException of(String severity, String sqlState, String message) {
    Map<Character, String> fields = new LinkedHashMap<>();
    fields.put('S', severity);
    fields.put('V', severity);
    fields.put('C', sqlState);
    fields.put('M', message);
    return new PgException(fields);
  }

  /** An {@code ERROR} with {@code sqlState} and {@code message}: the statement failed, the session goes on. */
  static PgException error(String sqlState, String message) {
    return of("ERROR", sqlState, message);
  }

  /** A {@code FATAL} error with {@code sqlState} and {@code message}: the session ends. */
  static PgException fatal(String sqlState, String message) {
    return of("FATAL", sqlState, message);
  }

  /** The error an ErrorResponse reports. */
  static PgException from(ErrorResponse response) {
    Map<Character, String> fields = new LinkedHashMap<>();
    for (NoticeField field : response.fields()) {
      fields.put((char) field.code(), field.value());
    }
    return new PgException(fields);
  }

  /** This error as the ErrorResponse a server sends. */
  ErrorResponse toErrorResponse() {
    List<NoticeField> wire = new ArrayList<>(fields.size());
    // A NUL would end the field on the wire: a message quoting a peer's bytes shows it escaped.
    fields.forEach((code, value) -> wire.add(new NoticeField(code, value.replace("\0", "\\0"))));
    return new ErrorResponse(wire);
  }

  /** The five-character SQLSTATE, such as {@code 42601} (syntax error) or {@code 28P01} (wrong password). */
  public String sqlState() {
    return fields.getOrDefault('C', "XX000");
  }

  /** {@code ERROR}, {@code FATAL} or {@code PANIC}, untranslated when the server sent the 'V' field. */
  public String severity() {
    return fields.getOrDefault('V', fields.getOrDefault('S', "ERROR"));
  }

  /** The server's primary message, without severity or SQLSTATE. */
  public String serverMessage() {
    return fields.getOrDefault('M', "");
  }

  /** Every field the server sent, by its code, in the order it sent them. */
  public Map<Character, String> fields() {
    return fields;
  }
}

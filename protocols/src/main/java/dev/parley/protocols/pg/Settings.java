package dev.parley.protocols.pg;

import dev.parley.protocols.pg.backend.ParameterStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The run-time parameters of one pg-server session: PostgreSQL 15's defaults for the ones drivers
 * read, what the startup message and SET change, and which of them the server reports in
 * ParameterStatus (PostgreSQL's GUC_REPORT set), at startup and whenever they change.
 */
final class Settings {

  /** What server_version says: PostgreSQL 15's protocol and behaviour, as drivers parse the number. */
  static final String SERVER_VERSION = "15.0 (Parley pg-server)";

  /** The parameters and their defaults, by canonical name, in the order PostgreSQL reports them. */
  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  /** The parameters PostgreSQL reports in ParameterStatus. */
  private static final Set<String> REPORTED = Set.of("application_name", "client_encoding", "DateStyle",
      "default_transaction_read_only", "in_hot_standby", "integer_datetimes", "IntervalStyle", "is_superuser",
      "server_encoding", "server_version", "session_authorization", "standard_conforming_strings", "TimeZone");

  /** What the client may not change. */
  private static final Set<String> FIXED = Set.of("server_version", "server_version_num", "server_encoding",
      "integer_datetimes", "in_hot_standby", "is_superuser", "session_authorization", "max_identifier_length",
      "transaction_isolation", "transaction_read_only");

  static {
    DEFAULTS.put("application_name", "");
    DEFAULTS.put("client_encoding", "UTF8");
    DEFAULTS.put("DateStyle", "ISO, MDY");
    DEFAULTS.put("default_transaction_read_only", "off");
    DEFAULTS.put("in_hot_standby", "off");
    DEFAULTS.put("integer_datetimes", "on");
    DEFAULTS.put("IntervalStyle", "postgres");
    DEFAULTS.put("is_superuser", "on");
    DEFAULTS.put("server_encoding", "UTF8");
    DEFAULTS.put("server_version", SERVER_VERSION);
    DEFAULTS.put("session_authorization", "");
    DEFAULTS.put("standard_conforming_strings", "on");
    DEFAULTS.put("TimeZone", "Etc/UTC");
    DEFAULTS.put("server_version_num", "150000");
    DEFAULTS.put("extra_float_digits", "1");
    DEFAULTS.put("search_path", "\"$user\", public");
    DEFAULTS.put("transaction_isolation", "read committed");
    DEFAULTS.put("default_transaction_isolation", "read committed");
    DEFAULTS.put("transaction_read_only", "off");
    DEFAULTS.put("max_identifier_length", "63");
    DEFAULTS.put("statement_timeout", "0");
    DEFAULTS.put("lock_timeout", "0");
    DEFAULTS.put("idle_in_transaction_session_timeout", "0");
    DEFAULTS.put("lc_messages", "C.UTF-8");
    DEFAULTS.put("bytea_output", "hex");
    DEFAULTS.put("jit", "off");
  }

  private final Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
  private final Map<String, String> custom = new LinkedHashMap<>();

  /**
   * A session of {@code user}, with the parameters of its startup message.
   *
   * @throws PgException FATAL, for a parameter PostgreSQL does not know or a value it refuses
   */
  Settings(String user, Map<String, String> startup) throws PgException {
    values.put("session_authorization", user);
    for (Map.Entry<String, String> parameter : startup.entrySet()) {
      String name = parameter.getKey();
      if (name.equals("user") || name.equals("database") || name.equals("options") || name.equals("replication")) {
        continue;
      }
      try {
        set(name, parameter.getValue());
      } catch (PgException e) {
        throw PgException.fatal(e.sqlState(), e.serverMessage());
      }
    }
  }

  /** Every reported parameter, as the server sends them after AuthenticationOk. */
  List<ParameterStatus> reported() {
    List<ParameterStatus> reported = new ArrayList<>();
    values.forEach((name, value) -> {
      if (REPORTED.contains(name)) {
        reported.add(new ParameterStatus(name, value));
      }
    });
    return reported;
  }

  /**
   * Sets {@code name} to {@code value}, or its default for null.
   *
   * @return the ParameterStatus to send, for a reported parameter
   * @throws PgException 42704 for a parameter that does not exist, 55P02 for one that cannot be
   *     changed, 22023 or 0A000 for a value pg-server refuses
   */
  Optional<ParameterStatus> set(String name, String value) throws PgException {
    String canonical = canonical(name);
    if (canonical == null) {
      custom.put(name.toLowerCase(Locale.ROOT), value == null ? "" : value);
      return Optional.empty();
    }
    if (FIXED.contains(canonical)) {
      throw PgException.error("55P02", "parameter \"" + canonical + "\" cannot be changed now");
    }
    String checked = value == null ? DEFAULTS.get(canonical) : check(canonical, value);
    values.put(canonical, checked);
    return REPORTED.contains(canonical) ? Optional.of(new ParameterStatus(canonical, checked)) : Optional.empty();
  }

  /**
   * The value of {@code name}, and its name as SHOW's column is called.
   *
   * @throws PgException 42704 for a parameter that does not exist
   */
  Map.Entry<String, String> show(String name) throws PgException {
    String canonical = canonical(name);
    if (canonical == null) {
      String value = custom.get(name.toLowerCase(Locale.ROOT));
      if (value == null) {
        throw unrecognized(name);
      }
      return Map.entry(name.toLowerCase(Locale.ROOT), value);
    }
    return Map.entry(canonical.toLowerCase(Locale.ROOT), values.get(canonical));
  }

  /**
   * The canonical name of a known parameter; null for a custom one ({@code myapp.x}).
   *
   * @throws PgException 42704 for an unknown name without a dot
   */
  private static String canonical(String name) throws PgException {
    for (String known : DEFAULTS.keySet()) {
      if (known.equalsIgnoreCase(name)) {
        return known;
      }
    }
    if (name.indexOf('.') > 0) {
      return null;
    }
    throw unrecognized(name);
  }

  private static PgException unrecognized(String name) {
    return PgException.error("42704", "unrecognized configuration parameter \"" + name + "\"");
  }

  /** {@code value} as PostgreSQL would store it, for the few parameters whose values drivers depend on. */
  private static String check(String name, String value) throws PgException {
    switch (name) {
      case "client_encoding" -> {
        String encoding = value.toUpperCase(Locale.ROOT).replace("-", "");
        if (encoding.equals("UTF8") || encoding.equals("UNICODE")) {
          return "UTF8";
        }
        if (encoding.equals("SQL_ASCII")) {
          return "SQL_ASCII";
        }
        throw PgException.error("0A000", "client_encoding \"" + value + "\" is not supported: pg-server speaks UTF8");
      }
      case "DateStyle" -> {
        // PostgreSQL keeps an output style and an order; PgJDBC sends "ISO" and needs "ISO, ..." back.
        String style = value.strip();
        return style.contains(",") ? style : style.toUpperCase(Locale.ROOT).equals("ISO") ? "ISO, MDY" : style;
      }
      case "extra_float_digits" -> {
        try {
          int digits = Integer.parseInt(value.strip());
          if (digits < -15 || digits > 3) {
            throw PgException.error("22023", digits + " is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)");
          }
          return Integer.toString(digits);
        } catch (NumberFormatException e) {
          throw PgException.error("22023", "invalid value for parameter \"extra_float_digits\": \"" + value + "\"");
        }
      }
      case "standard_conforming_strings" -> {
        if (!PgType.BOOL.fromText(value).equals("t")) {
          throw PgException.error("0A000", "standard_conforming_strings = off is not supported by pg-server");
        }
        return "on";
      }
      default -> {
        return value;
      }
    }
  }
}

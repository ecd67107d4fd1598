package dev.parley.protocols.pg;

import dev.parley.protocols.pg.Statement.Expr;
import dev.parley.protocols.pg.Statement.Literal;
import dev.parley.protocols.pg.Statement.Param;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * pg-server's data: the table {@code kv(k text PRIMARY KEY, v text)}, in a sorted concurrent map
 * shared by every session of a server, and the statements that read and write it and the SELECTs
 * of values. Run-time parameters are the session's ({@link Settings}).
 */
final class Database {

  /** The oid RowDescription gives kv's columns, as a user table's would be. */
  static final int KV_OID = 16385;

  /**
   * One column of a result, as RowDescription describes it.
   *
   * @param tableOid the table it comes from, or 0
   * @param attribute its number in that table, or 0
   */
  record Column(String name, PgType type, int tableOid, int attribute) {
    static Column of(String name, PgType type) {
      return new Column(name, type, 0, 0);
    }
  }

  /**
   * What a statement did: its rows (each value text, or null for NULL) and its command tag.
   */
  record Outcome(List<List<String>> rows, String tag) {
    static Outcome of(String tag) {
      return new Outcome(List.of(), tag);
    }
  }

  private static final Column K = new Column("k", PgType.TEXT, KV_OID, 1);
  private static final Column V = new Column("v", PgType.TEXT, KV_OID, 2);

  /** kv's rows by k; a NULL v is empty. */
  private final ConcurrentSkipListMap<String, Optional<String>> kv = new ConcurrentSkipListMap<>();

  /** The rows of kv now, by k. */
  Map<String, Optional<String>> kv() {
    return java.util.Collections.unmodifiableMap(kv);
  }

  /**
   * The columns of the rows {@code statement} returns; empty for one that returns none.
   *
   * @param parameterTypes the types of its parameters, $1 first
   */
  static List<Column> columns(Statement statement, List<Integer> parameterTypes) {
    if (statement instanceof Statement.SelectValues select) {
      List<Column> columns = new ArrayList<>(select.items().size());
      for (Statement.Item item : select.items()) {
        columns.add(Column.of(item.name(), type(item.expr(), parameterTypes)));
      }
      return columns;
    }
    if (statement instanceof Statement.SelectKv select) {
      List<Column> columns = new ArrayList<>(select.columns().size());
      for (String column : select.columns()) {
        columns.add(column.equals("k") ? K : V);
      }
      return columns;
    }
    return List.of();
  }

  /** The type of {@code expr}: its own, or its parameter's. */
  private static PgType type(Expr expr, List<Integer> parameterTypes) {
    if (expr.type() != 0) {
      return PgType.of(expr.type());
    }
    int number = ((Param) expr).number();
    return number <= parameterTypes.size() ? PgType.of(parameterTypes.get(number - 1)) : PgType.TEXT;
  }

  /**
   * The types of the parameters of {@code statement}: those Parse gave, where not 0, else the type
   * of a cast of the parameter, else text, as PostgreSQL resolves an unknown; as many as the
   * highest {@code $n} or Parse gave.
   */
  static List<Integer> parameterTypes(Statement statement, List<Integer> declared) {
    List<Param> params = new ArrayList<>();
    collect(statement, params);
    int count = declared.size();
    for (Param param : params) {
      count = Math.max(count, param.number());
    }
    Integer[] types = new Integer[count];
    for (int i = 0; i < count; i++) {
      types[i] = i < declared.size() ? declared.get(i) : 0;
    }
    for (Param param : params) {
      if (types[param.number() - 1] == 0 && param.type() != 0) {
        types[param.number() - 1] = param.type();
      }
    }
    for (int i = 0; i < count; i++) {
      if (types[i] == 0) {
        types[i] = PgType.TEXT.oid();
      }
    }
    return List.of(types);
  }

  private static void collect(Statement statement, List<Param> params) {
    List<Expr> exprs = new ArrayList<>();
    if (statement instanceof Statement.SelectValues select) {
      select.items().forEach(item -> exprs.add(item.expr()));
    } else if (statement instanceof Statement.SelectKv select) {
      select.key().ifPresent(exprs::add);
    } else if (statement instanceof Statement.InsertKv insert) {
      insert.rows().forEach(exprs::addAll);
    } else if (statement instanceof Statement.DeleteKv delete) {
      delete.key().ifPresent(exprs::add);
    }
    for (Expr expr : exprs) {
      if (expr instanceof Param param) {
        params.add(param);
      }
    }
  }

  /**
   * Runs {@code statement}, which must be a SELECT, INSERT or DELETE, with {@code parameters} as
   * canonical text of their types (null for NULL).
   *
   * @throws PgException 23505 for a key kv holds already, 23502 for a NULL key, 42P02 for a
   *     parameter not given, 22P02 for a value its cast refuses
   */
  Outcome run(Statement statement, List<String> parameters) throws PgException {
    if (statement instanceof Statement.SelectValues select) {
      List<String> row = new ArrayList<>(select.items().size());
      for (Statement.Item item : select.items()) {
        row.add(value(item.expr(), parameters));
      }
      return new Outcome(List.of(row), "SELECT 1");
    }
    if (statement instanceof Statement.SelectKv select) {
      List<List<String>> rows = new ArrayList<>();
      if (select.key().isPresent()) {
        String key = value(select.key().get(), parameters);
        Optional<String> v = key == null ? null : kv.get(key);
        if (v != null) {
          rows.add(row(select.columns(), key, v));
        }
      } else {
        kv.forEach((key, v) -> rows.add(row(select.columns(), key, v)));
      }
      return new Outcome(rows, "SELECT " + rows.size());
    }
    if (statement instanceof Statement.InsertKv insert) {
      return insert(insert, parameters);
    }
    if (statement instanceof Statement.DeleteKv delete) {
      if (delete.key().isEmpty()) {
        int count = kv.size();
        kv.clear();
        return Outcome.of("DELETE " + count);
      }
      String key = value(delete.key().get(), parameters);
      return Outcome.of("DELETE " + (key != null && kv.remove(key) != null ? 1 : 0));
    }
    throw new IllegalArgumentException("not a statement over data: " + statement);
  }

  /** Every row or none: the keys are checked before the first is written, on the server's one thread. */
  private Outcome insert(Statement.InsertKv insert, List<String> parameters) throws PgException {
    List<String[]> rows = new ArrayList<>(insert.rows().size());
    java.util.Set<String> keys = new HashSet<>();
    for (List<Expr> exprs : insert.rows()) {
      String key = value(exprs.get(insert.kColumn()), parameters);
      String v = value(exprs.get(1 - insert.kColumn()), parameters);
      if (key == null) {
        throw PgException.error("23502", "null value in column \"k\" of relation \"kv\" violates not-null constraint");
      }
      if (kv.containsKey(key) || !keys.add(key)) {
        throw PgException.error("23505", "duplicate key value violates unique constraint \"kv_pkey\"");
      }
      rows.add(new String[] {key, v});
    }
    for (String[] row : rows) {
      kv.put(row[0], Optional.ofNullable(row[1]));
    }
    return Outcome.of("INSERT 0 " + rows.size());
  }

  private static List<String> row(List<String> columns, String key, Optional<String> v) {
    String[] row = new String[columns.size()];
    for (int i = 0; i < row.length; i++) {
      row[i] = columns.get(i).equals("k") ? key : v.orElse(null);
    }
    return Arrays.asList(row);
  }

  /** The text of {@code expr}, or null for NULL. */
  private static String value(Expr expr, List<String> parameters) throws PgException {
    if (expr instanceof Literal literal) {
      return literal.text();
    }
    Param param = (Param) expr;
    if (param.number() > parameters.size()) {
      throw PgException.error("42P02", "there is no parameter $" + param.number());
    }
    String text = parameters.get(param.number() - 1);
    // A cast of a parameter converts its value, as PostgreSQL casts a text parameter to int4.
    return text == null || param.type() == 0 ? text : PgType.of(param.type()).fromText(text);
  }
}

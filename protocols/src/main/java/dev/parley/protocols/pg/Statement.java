package dev.parley.protocols.pg;

import java.util.List;
import java.util.Optional;

/**
 * One SQL statement of the little dialect {@link PgServer} understands, as {@link Sql} parses it:
 * a SELECT of literals, the statements over the table {@code kv(k text, v text)}, and the SET,
 * RESET and SHOW that drivers send. What a statement returns is fixed by its text, so that Describe
 * answers before it runs.
 */
sealed interface Statement {

  /** {@code SELECT expr [AS name], ...}, without FROM: one row. */
  record SelectValues(List<Item> items) implements Statement {}

  /** {@code SELECT columns FROM kv [WHERE k = expr]}: the rows in order of k. */
  record SelectKv(List<String> columns, Optional<Expr> key) implements Statement {}

  /** {@code INSERT INTO kv [(k, v)] VALUES (expr, expr), ...}; {@code kColumn} says which of each pair is k. */
  record InsertKv(List<List<Expr>> rows, int kColumn) implements Statement {}

  /** {@code DELETE FROM kv [WHERE k = expr]}. */
  record DeleteKv(Optional<Expr> key) implements Statement {}

  /** {@code SET name = value} (or TO) of a run-time parameter; a null value is DEFAULT. */
  record SetParameter(String name, String value) implements Statement {}

  /** {@code RESET name}. */
  record ResetParameter(String name) implements Statement {}

  /** {@code SHOW name}. */
  record ShowParameter(String name) implements Statement {}

  /** A statement of nothing, or only comments: it answers EmptyQueryResponse. */
  record Empty() implements Statement {}

  /** One column of a SELECT without FROM. */
  record Item(Expr expr, String name) {}

  /** A value in a statement: a literal or a parameter, with the type it has there. */
  sealed interface Expr {
    /** The type oid, from the literal or a cast; 0 for a parameter whose type comes from Parse. */
    int type();
  }

  /** A literal of {@code type}; {@code text} is its value in text format, null for NULL. */
  record Literal(int type, String text) implements Expr {}

  /** {@code $number}, 1-based, with the type of its cast, or 0. */
  record Param(int number, int type) implements Expr {}
}

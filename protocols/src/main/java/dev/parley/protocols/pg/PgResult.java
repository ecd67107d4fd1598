package dev.parley.protocols.pg;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one SQL statement: its columns, its rows as text, and the command tag the server
 * ended it with ({@code SELECT 2}, {@code INSERT 0 1}, {@code SET}). A statement that returns no
 * rows (an INSERT, a SET) has no columns.
 *
 * @param columns the columns, in order; empty for a statement that returns no rows
 * @param rows the rows, each with one value per column
 * @param tag the command tag
 */
public record PgResult(List<Column> columns, List<Row> rows, String tag) {

  public PgResult {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
    Objects.requireNonNull(tag, "tag");
  }

  /**
   * One column of a result.
   *
   * @param name its name, such as {@code ?column?} for an unnamed expression
   * @param typeOid the oid of its type: 23 int4, 20 int8, 25 text, 16 bool, ...
   */
  public record Column(String name, int typeOid) {
    public Column {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * One row: each column's value in PostgreSQL's text format, or empty for NULL.
   *
   * @param values one value per column
   */
  public record Row(List<Optional<String>> values) {
    public Row {
      values = List.copyOf(values);
    }

    /** The value of column {@code index} (0-based), empty for NULL. */
    public Optional<String> get(int index) {
      return values.get(index);
    }
  }
}

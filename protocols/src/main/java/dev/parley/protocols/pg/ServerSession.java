package dev.parley.protocols.pg;

import dev.parley.protocols.pg.backend.BindComplete;
import dev.parley.protocols.pg.backend.CloseComplete;
import dev.parley.protocols.pg.backend.CommandComplete;
import dev.parley.protocols.pg.backend.DataRow;
import dev.parley.protocols.pg.backend.EmptyQueryResponse;
import dev.parley.protocols.pg.backend.FieldDescription;
import dev.parley.protocols.pg.backend.NoData;
import dev.parley.protocols.pg.backend.ParameterDescription;
import dev.parley.protocols.pg.backend.ParameterStatus;
import dev.parley.protocols.pg.backend.ParseComplete;
import dev.parley.protocols.pg.backend.PgBackendMessage;
import dev.parley.protocols.pg.backend.PortalSuspended;
import dev.parley.protocols.pg.backend.ReadyForQuery;
import dev.parley.protocols.pg.backend.RowDescription;
import dev.parley.protocols.pg.frontend.Bind;
import dev.parley.protocols.pg.frontend.Close;
import dev.parley.protocols.pg.frontend.Describe;
import dev.parley.protocols.pg.frontend.Execute;
import dev.parley.protocols.pg.frontend.Flush;
import dev.parley.protocols.pg.frontend.Parse;
import dev.parley.protocols.pg.frontend.PgFrontendMessage;
import dev.parley.protocols.pg.frontend.Query;
import dev.parley.protocols.pg.frontend.Sync;
import dev.parley.protocols.pg.frontend.Terminate;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.Connection;
import dev.parley.runtime.Handler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The session of one pg-server connection, once authenticated: the simple query protocol (each
 * statement of a Query in turn, then ReadyForQuery) and the extended one (named and unnamed
 * prepared statements and portals; after an error, every message up to Sync is skipped, as
 * PostgreSQL does). Results are in text, or in binary where Bind asks for it.
 */
final class ServerSession implements Handler<Inbound<PgFrontendMessage>, PgBackendMessage> {

  private static final ReadyForQuery IDLE = new ReadyForQuery('I');

  /** A statement of Parse: what it is and its parameters' types. */
  private record Prepared(Statement statement, List<Integer> parameterTypes, List<Database.Column> columns) {}

  /** A portal of Bind: a statement with its parameters, run at the first Execute, sent in pieces. */
  private static final class Portal {
    final Prepared prepared;
    final List<String> parameters;
    final List<Short> resultFormats;
    Database.Outcome outcome;
    int sent;

    Portal(Prepared prepared, List<String> parameters, List<Short> resultFormats) {
      this.prepared = prepared;
      this.parameters = parameters;
      this.resultFormats = resultFormats;
    }
  }

  private final Database database;
  private final Settings settings;
  private final Map<String, Prepared> statements = new HashMap<>();
  private final Map<String, Portal> portals = new HashMap<>();
  /** Parameters changed since the last ReadyForQuery, reported just before the next, as PostgreSQL does. */
  private final Map<String, ParameterStatus> changed = new HashMap<>();
  /** After an error in the extended protocol: messages are skipped until Sync. */
  private boolean skippingToSync;

  ServerSession(Database database, Settings settings) {
    this.database = database;
    this.settings = settings;
  }

  @Override
  public void onMessage(Connection<Inbound<PgFrontendMessage>, PgBackendMessage> c,
      Inbound<PgFrontendMessage> inbound) {
    if (inbound instanceof Inbound.Refused<PgFrontendMessage> refused) {
      ServerStartup.refuse(c, PgException.fatal("08P01", "invalid frontend message: " + refused.error().getMessage()));
      return;
    }
    PgFrontendMessage message = ((Inbound.Message<PgFrontendMessage>) inbound).message();
    if (message instanceof Terminate) {
      c.closeWhenSent();
      return;
    }
    if (message instanceof Query query) {
      simpleQuery(c, query.sql());
      return;
    }
    if (message instanceof Sync) {
      skippingToSync = false;
      portals.clear(); // Sync ends the implicit transaction, and with it every portal
      ready(c);
      return;
    }
    if (skippingToSync) {
      return;
    }
    try {
      extended(c, message);
    } catch (PgException e) {
      fail(c, e);
      skippingToSync = true;
    } catch (RuntimeException e) {
      fail(c, PgException.error("XX000", "internal error in pg-server: " + e));
      skippingToSync = true;
    }
  }

  private void extended(Connection<?, PgBackendMessage> c, PgFrontendMessage message) throws PgException {
    if (message instanceof Parse parse) {
      if (!parse.statement().isEmpty() && statements.containsKey(parse.statement())) {
        throw PgException.error("42P05", "prepared statement \"" + parse.statement() + "\" already exists");
      }
      Statement statement = Sql.parseOne(parse.query());
      List<Integer> types = Database.parameterTypes(statement, parse.parameterTypes());
      statements.put(parse.statement(), new Prepared(statement, types, columns(statement, types)));
      c.send(new ParseComplete());
    } else if (message instanceof Bind bind) {
      bind(bind);
      c.send(new BindComplete());
    } else if (message instanceof Describe describe) {
      describe(c, describe);
    } else if (message instanceof Execute execute) {
      execute(c, execute);
    } else if (message instanceof Close close) {
      if (close.kind() == 'S') {
        statements.remove(close.name());
      } else if (close.kind() == 'P') {
        portals.remove(close.name());
      } else {
        throw PgException.error("08P01", "invalid CLOSE message subtype " + close.kind());
      }
      c.send(new CloseComplete());
    } else if (!(message instanceof Flush)) {
      // Replies leave after each read on the event loop: Flush has nothing to push.
      throw PgException.fatal("08P01", "unexpected message " + message.getClass().getSimpleName() + " in a session");
    }
  }

  private void simpleQuery(Connection<?, PgBackendMessage> c, String sql) {
    statements.remove(""); // a simple Query destroys the unnamed statement and portal
    portals.remove("");
    skippingToSync = false;
    try {
      List<Statement> parsed = Sql.parseAll(sql);
      if (parsed.isEmpty()) {
        c.send(new EmptyQueryResponse());
      }
      for (Statement statement : parsed) {
        List<Database.Column> columns = columns(statement, List.of());
        if (!columns.isEmpty()) {
          c.send(rowDescription(columns, List.of()));
        }
        Database.Outcome outcome = run(statement, List.of());
        for (List<String> row : outcome.rows()) {
          c.send(dataRow(row, columns, List.of()));
        }
        c.send(new CommandComplete(outcome.tag()));
      }
    } catch (PgException e) {
      fail(c, e);
    } catch (RuntimeException e) {
      fail(c, PgException.error("XX000", "internal error in pg-server: " + e));
    }
    ready(c);
  }

  private void bind(Bind bind) throws PgException {
    Prepared prepared = statements.get(bind.statement());
    if (prepared == null) {
      throw PgException.error("26000", "prepared statement \"" + bind.statement() + "\" does not exist");
    }
    if (!bind.portal().isEmpty() && portals.containsKey(bind.portal())) {
      throw PgException.error("42P03", "cursor \"" + bind.portal() + "\" already exists");
    }
    List<Optional<Bytes>> values = bind.parameters();
    List<Integer> types = prepared.parameterTypes();
    if (values.size() != types.size()) {
      throw PgException.error("08P01", "bind message supplies " + values.size() + " parameters, but prepared statement \""
          + bind.statement() + "\" requires " + types.size());
    }
    List<Short> formats = bind.parameterFormats();
    if (formats.size() > 1 && formats.size() != values.size()) {
      throw PgException.error("08P01", "bind message has " + formats.size() + " parameter formats but "
          + values.size() + " parameters");
    }
    List<String> parameters = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i).isEmpty()) {
        parameters.add(null);
        continue;
      }
      byte[] bytes = values.get(i).get().toByteArray();
      PgType type = PgType.of(types.get(i));
      if (format(formats, i) == 1) {
        if (type.oid() != types.get(i)) {
          throw PgException.error("0A000", "binary format for type oid " + types.get(i) + " is not supported");
        }
        parameters.add(type.fromBinary(bytes));
      } else {
        parameters.add(type.fromText(PgType.utf8(bytes)));
      }
    }
    List<Short> resultFormats = bind.resultFormats();
    int columns = prepared.columns().size();
    if (resultFormats.size() > 1 && resultFormats.size() != columns) {
      throw PgException.error("08P01", "bind message has " + resultFormats.size() + " result formats but query has "
          + columns + " columns");
    }
    for (Short format : resultFormats) {
      if (format != 0 && format != 1) {
        throw PgException.error("22023", "unsupported format code: " + format);
      }
    }
    portals.put(bind.portal(), new Portal(prepared, parameters, resultFormats));
  }

  private void describe(Connection<?, PgBackendMessage> c, Describe describe) throws PgException {
    if (describe.kind() == 'S') {
      Prepared prepared = statements.get(describe.name());
      if (prepared == null) {
        throw PgException.error("26000", "prepared statement \"" + describe.name() + "\" does not exist");
      }
      c.send(new ParameterDescription(prepared.parameterTypes()));
      c.send(prepared.columns().isEmpty() ? new NoData() : rowDescription(prepared.columns(), List.of()));
    } else if (describe.kind() == 'P') {
      Portal portal = portal(describe.name());
      List<Database.Column> columns = portal.prepared.columns();
      c.send(columns.isEmpty() ? new NoData() : rowDescription(columns, portal.resultFormats));
    } else {
      throw PgException.error("08P01", "invalid DESCRIBE message subtype " + describe.kind());
    }
  }

  private void execute(Connection<?, PgBackendMessage> c, Execute execute) throws PgException {
    Portal portal = portal(execute.portal());
    if (portal.prepared.statement() instanceof Statement.Empty) {
      c.send(new EmptyQueryResponse());
      return;
    }
    if (portal.outcome == null) {
      portal.outcome = run(portal.prepared.statement(), portal.parameters);
    }
    List<List<String>> rows = portal.outcome.rows();
    int end = execute.maxRows() > 0 ? (int) Math.min(rows.size(), (long) portal.sent + execute.maxRows()) : rows.size();
    for (int i = portal.sent; i < end; i++) {
      c.send(dataRow(rows.get(i), portal.prepared.columns(), portal.resultFormats));
    }
    portal.sent = end;
    c.send(end < rows.size() ? new PortalSuspended() : new CommandComplete(portal.outcome.tag()));
  }

  private Portal portal(String name) throws PgException {
    Portal portal = portals.get(name);
    if (portal == null) {
      throw PgException.error("34000", "portal \"" + name + "\" does not exist");
    }
    return portal;
  }

  /** The columns of {@code statement}'s rows: the database's, or SHOW's one column. */
  private List<Database.Column> columns(Statement statement, List<Integer> parameterTypes) throws PgException {
    if (statement instanceof Statement.ShowParameter show) {
      return List.of(Database.Column.of(settings.show(show.name()).getKey(), PgType.TEXT));
    }
    return Database.columns(statement, parameterTypes);
  }

  /** Runs {@code statement}: the run-time parameters are the session's, the data the database's. */
  private Database.Outcome run(Statement statement, List<String> parameters) throws PgException {
    if (statement instanceof Statement.SetParameter set) {
      settings.set(set.name(), set.value()).ifPresent(status -> changed.put(status.name(), status));
      return Database.Outcome.of("SET");
    }
    if (statement instanceof Statement.ResetParameter reset) {
      settings.set(reset.name(), null).ifPresent(status -> changed.put(status.name(), status));
      return Database.Outcome.of("RESET");
    }
    if (statement instanceof Statement.ShowParameter show) {
      return new Database.Outcome(List.of(List.of(settings.show(show.name()).getValue())), "SHOW");
    }
    if (statement instanceof Statement.Empty) {
      return Database.Outcome.of("");
    }
    return database.run(statement, parameters);
  }

  private void fail(Connection<?, PgBackendMessage> c, PgException error) {
    if (error.severity().equals("FATAL")) {
      ServerStartup.refuse(c, error);
    } else {
      c.send(error.toErrorResponse());
    }
  }

  private void ready(Connection<?, PgBackendMessage> c) {
    for (ParameterStatus status : changed.values()) {
      c.send(status);
    }
    changed.clear();
    c.send(IDLE);
  }

  private static RowDescription rowDescription(List<Database.Column> columns, List<Short> formats) {
    List<FieldDescription> fields = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      Database.Column column = columns.get(i);
      fields.add(new FieldDescription(column.name(), column.tableOid(), (short) column.attribute(),
          column.type().oid(), column.type().size(), -1, format(formats, i)));
    }
    return new RowDescription(fields);
  }

  private static DataRow dataRow(List<String> row, List<Database.Column> columns, List<Short> formats)
      throws PgException {
    List<Optional<Bytes>> values = new ArrayList<>(row.size());
    for (int i = 0; i < row.size(); i++) {
      String value = row.get(i);
      if (value == null) {
        values.add(Optional.empty());
      } else {
        values.add(Optional.of(Bytes.of(format(formats, i) == 1 ? columns.get(i).type().toBinary(value)
            : value.getBytes(StandardCharsets.UTF_8))));
      }
    }
    return new DataRow(values);
  }

  /** The format of value {@code i}: none given is text, one is every value's, else each its own. */
  private static short format(List<Short> formats, int i) {
    return formats.isEmpty() ? 0 : formats.get(formats.size() == 1 ? 0 : i);
  }
}

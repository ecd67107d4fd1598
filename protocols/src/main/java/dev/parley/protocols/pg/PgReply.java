package dev.parley.protocols.pg;

import dev.parley.protocols.pg.backend.BackendKeyData;
import dev.parley.protocols.pg.backend.BindComplete;
import dev.parley.protocols.pg.backend.CloseComplete;
import dev.parley.protocols.pg.backend.CommandComplete;
import dev.parley.protocols.pg.backend.DataRow;
import dev.parley.protocols.pg.backend.EmptyQueryResponse;
import dev.parley.protocols.pg.backend.ErrorResponse;
import dev.parley.protocols.pg.backend.FieldDescription;
import dev.parley.protocols.pg.backend.NoData;
import dev.parley.protocols.pg.backend.NoticeResponse;
import dev.parley.protocols.pg.backend.NotificationResponse;
import dev.parley.protocols.pg.backend.ParameterStatus;
import dev.parley.protocols.pg.backend.ParseComplete;
import dev.parley.protocols.pg.backend.PgBackendMessage;
import dev.parley.protocols.pg.backend.ReadyForQuery;
import dev.parley.protocols.pg.backend.RowDescription;
import dev.parley.runtime.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The frames of one reply, up to and including its ReadyForQuery, read as {@link PgClient}
 * returns them: a result for each CommandComplete (or EmptyQueryResponse), and the first
 * ErrorResponse, which PostgreSQL follows with nothing of that statement but ReadyForQuery.
 * Frames that only report (ParameterStatus, NoticeResponse, NotificationResponse, BackendKeyData)
 * are the client's business, not the results'.
 *
 * @param error the first error, null if none
 * @param parseCompleted whether a Parse succeeded, for the cache of prepared statements
 */
record PgReply(List<PgResult> results, PgException error, boolean parseCompleted) {

  /**
   * Reads {@code frames}; rows before any RowDescription have {@code described}, the columns a
   * prepared statement was described with.
   *
   * @throws IOException a frame no reply of the query and extended protocols holds (COPY's, say)
   */
  static PgReply of(List<PgBackendMessage> frames, List<PgResult.Column> described) throws IOException {
    List<PgResult> results = new ArrayList<>(1);
    List<PgResult.Column> columns = described;
    List<PgResult.Row> rows = new ArrayList<>();
    PgException error = null;
    boolean parseCompleted = false;
    for (PgBackendMessage message : frames) {
      if (message instanceof DataRow row) {
        rows.add(row(row));
      } else if (message instanceof RowDescription description) {
        columns = columns(description);
      } else if (message instanceof CommandComplete complete) {
        results.add(new PgResult(columns, rows, complete.tag()));
        columns = List.of();
        rows = new ArrayList<>();
      } else if (message instanceof EmptyQueryResponse) {
        results.add(new PgResult(List.of(), List.of(), ""));
      } else if (message instanceof ErrorResponse response) {
        if (error == null) {
          error = PgException.from(response);
        }
      } else if (message instanceof ParseComplete) {
        parseCompleted = true;
      } else if (!(message instanceof ReadyForQuery || message instanceof BindComplete || message instanceof NoData
          || message instanceof CloseComplete || message instanceof ParameterStatus || message instanceof BackendKeyData
          || message instanceof NoticeResponse || message instanceof NotificationResponse)) {
        throw new IOException("unexpected from the server: " + message);
      }
    }
    return new PgReply(results, error, parseCompleted);
  }

  /** The results, or the error thrown. */
  List<PgResult> resultsOrThrow() throws PgException {
    if (error != null) {
      throw error;
    }
    return results;
  }

  private static List<PgResult.Column> columns(RowDescription description) {
    List<PgResult.Column> columns = new ArrayList<>(description.fields().size());
    for (FieldDescription field : description.fields()) {
      columns.add(new PgResult.Column(field.name(), field.typeOid()));
    }
    return columns;
  }

  private static PgResult.Row row(DataRow row) {
    List<Optional<String>> values = new ArrayList<>(row.columns().size());
    for (Optional<Bytes> column : row.columns()) {
      values.add(column.isEmpty() ? Optional.empty()
          : Optional.of(new String(column.get().toByteArray(), StandardCharsets.UTF_8)));
    }
    return new PgResult.Row(values);
  }
}

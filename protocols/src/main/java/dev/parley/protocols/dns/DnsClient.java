package dev.parley.protocols.dns;

import dev.parley.runtime.BlockingConnection;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A DNS client over one TCP connection (RFC 7766): queries pipelined, each answer matched to its
 * query by id, in whatever order the server answers. Every query has an asynchronous form, whose
 * future completes on the client's reader thread (chain slow work with the {@code *Async} stages
 * of {@link CompletableFuture}), and a blocking form bounded by the client's timeout. The answer
 * is the server's whole message, whatever its rcode: NXDOMAIN is an answer, not an error.
 *
 * <p>Queries made while another thread writes leave together in its next write. At most
 * {@link #maxInFlight()} queries wait for answers; one more fails at once. A query whose blocking
 * call timed out keeps its id until its answer comes, which is then dropped, or the connection
 * ends, so that a late answer is never taken for a newer query's.
 *
 * <p>What ends the connection fails every query waiting, and every later one, with an
 * {@link IOException} that says why: the server's end of stream (after the answers that came
 * before it, even when a write failed first), a message that does not decode
 * (a {@link dev.parley.runtime.ProtocolException}, such as a compression pointer loop), an
 * answer with an id no query waits for, or {@link #close()}. An answer whose question is not its
 * query's fails that query alone. All methods may be called from any thread.
 */
public final class DnsClient implements Closeable {

  /** The most queries in flight, unless told otherwise: a sixteenth of the id space. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 4096;

  private final BlockingConnection<DnsMessage, DnsMessage> connection;
  private final Duration timeout;
  private final int maxInFlight;
  private final Thread reader;
  private final Object lock = new Object();
  /** Queries written or about to be, by id; under lock. */
  private final Map<Integer, Pending> waiting = new HashMap<>();
  /** Queries made and not yet written; under lock. */
  private List<Message> unsent = new ArrayList<>();
  /** Whether a thread is writing what is unsent; under lock. */
  private boolean writing;
  /** Why the client stopped, once it has; under lock. */
  private IOException failure;
  private int lastId;

  /** A query waiting for its answer. */
  private record Pending(Question question, CompletableFuture<Message> answer) {}

  private DnsClient(BlockingConnection<DnsMessage, DnsMessage> connection, Duration timeout, int maxInFlight,
      String name) {
    this.connection = connection;
    this.timeout = timeout;
    this.maxInFlight = maxInFlight;
    this.lastId = ThreadLocalRandom.current().nextInt(0x10000);
    this.reader = new Thread(this::read, name);
    this.reader.setDaemon(true);
  }

  /** Connects to a DNS server over TCP; {@code timeout} bounds the connect and each blocking query. */
  public static DnsClient connect(InetSocketAddress address, Duration timeout) throws IOException {
    return connect(address, timeout, DEFAULT_MAX_IN_FLIGHT);
  }

  /**
   * Connects as {@link #connect(InetSocketAddress, Duration)} does, with at most {@code maxInFlight}
   * queries waiting for answers at once.
   *
   * @throws IllegalArgumentException if {@code maxInFlight} is not 1 to 65,536
   */
  public static DnsClient connect(InetSocketAddress address, Duration timeout, int maxInFlight) throws IOException {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(timeout, "timeout");
    if (maxInFlight < 1 || maxInFlight > 0x10000) {
      throw new IllegalArgumentException("maxInFlight must be 1 to 65536: " + maxInFlight);
    }
    BlockingConnection<DnsMessage, DnsMessage> connection =
        BlockingConnection.connect(address, DnsProtocol.INSTANCE, timeout);
    DnsClient client = new DnsClient(connection, timeout, maxInFlight, "dns-client " + address);
    client.reader.start();
    return client;
  }

  /** The records of {@code type} at {@code name}, class IN, recursion desired: the server's answer. */
  public CompletableFuture<Message> queryAsync(DnsName name, int type) {
    Question question = new Question(Objects.requireNonNull(name, "name"), type, DnsConstants.CLASS_IN);
    return exchangeAsync(new Message(0, new DnsFlags(false, 0, false, false, true, false, 0, false, false,
        Rcode.NOERROR), List.of(question), List.of(), List.of(), List.of()));
  }

  /** {@link #queryAsync} and its wait, at most the client's timeout. */
  public Message query(DnsName name, int type) throws IOException {
    return await(queryAsync(name, type));
  }

  /**
   * Sends {@code query} as it is, but for its id, which the client chooses among those not in
   * flight; the answer is the message with that id. A query of several questions, or none, is
   * matched by id alone.
   */
  public CompletableFuture<Message> exchangeAsync(Message query) {
    Objects.requireNonNull(query, "query");
    Pending pending = new Pending(query.questions().size() == 1 ? query.questions().get(0) : null,
        new CompletableFuture<>());
    boolean write;
    synchronized (lock) {
      if (failure != null) {
        return CompletableFuture.failedFuture(failure);
      }
      if (waiting.size() >= maxInFlight) {
        return CompletableFuture.failedFuture(new IOException(maxInFlight + " queries wait for answers already"
            + " on this connection, the most it takes"));
      }
      int id = lastId;
      do {
        id = (id + 1) & 0xFFFF;
      } while (waiting.containsKey(id));
      lastId = id;
      waiting.put(id, pending);
      unsent.add(new Message(id, query.flags(), query.questions(), query.answers(), query.authorities(),
          query.additionals()));
      write = !writing;
      writing = true;
    }
    if (write) {
      writeUnsent();
    }
    return pending.answer();
  }

  /** {@link #exchangeAsync} and its wait, at most the client's timeout. */
  public Message exchange(Message query) throws IOException {
    return await(exchangeAsync(query));
  }

  /** The most queries that may wait for answers at once. */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** Queries waiting for their answers now. */
  public int inFlight() {
    synchronized (lock) {
      return waiting.size();
    }
  }

  /** Whether the connection is up: nothing has ended it. */
  public boolean isOpen() {
    synchronized (lock) {
      return failure == null;
    }
  }

  /** Writes what is unsent until nothing is, in one write a batch; the queries of a failed write fail with it. */
  private void writeUnsent() {
    while (true) {
      List<Message> batch;
      synchronized (lock) {
        if (unsent.isEmpty() || failure != null) {
          writing = false;
          return;
        }
        batch = unsent;
        unsent = new ArrayList<>();
      }
      try {
        connection.sendAll(batch);
      } catch (IOException e) {
        writeFailed(e);
        return;
      } catch (RuntimeException e) {
        // A query that does not encode (a message over 65,535 bytes): it fails, and the rest of its batch.
        failQueries(batch, new IOException("a query does not encode: " + e.getMessage(), e));
      }
    }
  }

  /**
   * A write failed (the server closed, say, after the most queries it answers on a connection):
   * nothing more is written and no new query is taken, but the reader goes on, so that the answers
   * that arrived before the end still complete their queries; the end of the stream, which must
   * follow, fails the rest with this failure.
   */
  private void writeFailed(IOException why) {
    synchronized (lock) {
      if (failure == null) {
        failure = why;
      }
      unsent.clear();
      writing = false;
    }
  }

  private void failQueries(List<Message> batch, IOException why) {
    List<Pending> failed = new ArrayList<>();
    synchronized (lock) {
      for (Message query : batch) {
        Pending pending = waiting.remove(query.id());
        if (pending != null) {
          failed.add(pending);
        }
      }
    }
    failed.forEach(p -> p.answer().completeExceptionally(why));
  }

  /** The reader thread: each answer completes its query's future, until the connection ends. */
  private void read() {
    try {
      while (true) {
        var received = connection.receive();
        if (received.isEmpty()) {
          fail(new EOFException("the DNS server closed the connection"));
          return;
        }
        Message answer = (Message) received.get();
        Pending pending;
        synchronized (lock) {
          pending = waiting.remove(answer.id());
        }
        if (pending == null || !answer.flags().qr()) {
          fail(new IOException(pending == null ? "an answer with id " + answer.id() + ", which no query waits for"
              : "a query (QR 0) with id " + answer.id() + " where its answer was due"));
          return;
        }
        Question asked = pending.question();
        if (asked != null && !answer.questions().isEmpty() && !sameQuestion(asked, answer.questions())) {
          pending.answer().completeExceptionally(new IOException("the answer with id " + answer.id()
              + " is to another question: " + answer.questions() + ", not " + asked));
        } else {
          pending.answer().complete(answer);
        }
      }
    } catch (IOException e) {
      fail(e);
    } catch (RuntimeException | Error e) {
      fail(new IOException("the client's reader failed: " + e, e));
    }
  }

  private static boolean sameQuestion(Question asked, List<Question> answered) {
    Question q = answered.get(0);
    return answered.size() == 1 && q.qtype() == asked.qtype() && q.qclass() == asked.qclass()
        && q.name().equalsIgnoreCase(asked.name());
  }

  /** Ends the client for {@code why}: every query waiting fails, the connection closes. The first reason wins. */
  private void fail(IOException why) {
    List<Pending> failed;
    IOException reason;
    synchronized (lock) {
      if (failure == null) {
        failure = why;
      }
      reason = failure;
      failed = new ArrayList<>(waiting.values());
      waiting.clear();
      unsent.clear();
    }
    failed.forEach(p -> p.answer().completeExceptionally(reason));
    try {
      connection.close();
    } catch (IOException ignored) {
      // closing is all that is left to do
    }
  }

  private Message await(CompletableFuture<Message> answer) throws IOException {
    try {
      return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new SocketTimeoutException("no answer within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for an answer");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    }
  }

  /** Closes the connection; queries waiting fail. Idempotent. */
  @Override
  public void close() {
    fail(new IOException("the DNS client was closed"));
  }
}

package dev.parley.benchmarks;

import dev.parley.protocols.pg.PgClient;
import dev.parley.protocols.pg.PgResult;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * {@code SELECT 1} round trips a second over one connection to one PostgreSQL server, through
 * Parley's {@link PgClient} and through PgJDBC, the real driver, each waiting for its answer before
 * it sends the next query; and, beside them, PgClient pipelined ({@link PgClient#queryAsync}, a
 * window of {@value #WINDOW} queries in flight), which PgJDBC cannot do with independent queries
 * on one connection. Each client has its own connection; they run in turns, one round to
 * warm up and seven measured, and the median round of each is reported, with its ratio to
 * PgJDBC's plain {@code Statement}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.parley.benchmarks.PgRoundTrips
 * HOST:PORT [SECONDS_A_TURN [USER]]}, against a server that trusts USER (default postgres) from
 * 127.0.0.1, such as the one {@code .ci/servers.sh} starts.
 */
public final class PgRoundTrips {

  /** Rounds measured, after one to warm up. */
  private static final int ROUNDS = 7;

  /** Queries in flight at once on the pipelined PgClient. */
  private static final int WINDOW = 64;

  private PgRoundTrips() {}

  /** One way of running SELECT 1 and reading its value. */
  @FunctionalInterface
  private interface RoundTrip {
    void run() throws Exception;
  }

  /**
   * A client, connected: its round trip, what ends a turn (waiting for the queries still in
   * flight, timed with the turn, so that every query counted was answered), and how to close it.
   */
  private record Client(RoundTrip roundTrip, RoundTrip settle, AutoCloseable connection) {
    Client(RoundTrip roundTrip, AutoCloseable connection) {
      this(roundTrip, () -> {}, connection);
    }
  }

  @FunctionalInterface
  private interface Connect {
    Client open() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: PgRoundTrips HOST:PORT [SECONDS_A_TURN [USER]]");
      System.exit(2);
    }
    int colon = args[0].lastIndexOf(':');
    InetSocketAddress address = new InetSocketAddress(args[0].substring(0, colon),
        Integer.parseInt(args[0].substring(colon + 1)));
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
    String user = args.length > 2 ? args[2] : "postgres";
    String url = "jdbc:postgresql://" + address.getHostString() + ":" + address.getPort() + "/postgres";

    Map<String, Connect> clients = new LinkedHashMap<>();
    clients.put("PgJDBC Statement (extended protocol, its default)", () -> jdbcStatement(url, user, "extended"));
    clients.put("PgJDBC Statement, preferQueryMode=simple", () -> jdbcStatement(url, user, "simple"));
    clients.put("PgJDBC PreparedStatement (server-prepared after 5 runs)", () -> jdbcPrepared(url, user));
    clients.put("raw socket: the Query's bytes, read to ReadyForQuery", () -> raw(address, user));
    clients.put("Parley PgClient.query (simple protocol)", () -> {
      PgClient client = PgClient.connect(address, user, null, "postgres");
      return new Client(() -> check(client.query("SELECT 1").get(0).rows().get(0).get(0).orElseThrow()), client);
    });
    clients.put("Parley PgClient.execute (extended protocol)", () -> {
      PgClient client = PgClient.connect(address, user, null, "postgres");
      return new Client(() -> check(client.execute("SELECT 1", List.of()).rows().get(0).get(0).orElseThrow()), client);
    });
    clients.put("Parley PgClient.queryAsync, pipelined: " + WINDOW + " in flight", () -> pipelined(address, user));

    System.out.printf(Locale.ROOT, "SELECT 1 round trips over one connection each to %s: %d rounds of %.1f s a client,"
        + " in turns, after a warm-up round; the median round%n", args[0], ROUNDS, seconds);
    List<String> names = new ArrayList<>(clients.keySet());
    List<Client> open = new ArrayList<>();
    Map<String, Turn> medians = new LinkedHashMap<>();
    Map<String, Turn> bests = new LinkedHashMap<>();
    try {
      for (Connect connect : clients.values()) {
        open.add(connect.open());
      }
      Turn[][] turns = new Turn[names.size()][ROUNDS];
      for (int round = -1; round < ROUNDS; round++) {
        // In turns, each round starting with the next client: a machine whose load changes
        // during the run weighs on every client alike.
        for (int k = 0; k < names.size(); k++) {
          int i = Math.floorMod(k + round, names.size());
          Turn turn = run(open.get(i), seconds);
          if (round >= 0) {
            turns[i][round] = turn;
          }
        }
      }
      for (int i = 0; i < names.size(); i++) {
        Turn[] sorted = turns[i].clone();
        Arrays.sort(sorted, Comparator.comparingDouble(Turn::perSecond));
        Turn median = sorted[ROUNDS / 2];
        medians.put(names.get(i), median);
        bests.put(names.get(i), sorted[ROUNDS - 1]);
        System.out.printf(Locale.ROOT, "  %-58s %,10.0f/s  (rounds from %,.0f to %,.0f)  %.1f µs CPU, %,.0f B a round trip%n",
            names.get(i), median.perSecond(), sorted[0].perSecond(), sorted[ROUNDS - 1].perSecond(), median.cpuMicros(),
            median.bytes());
      }
    } finally {
      for (Client client : open) {
        client.connection().close();
      }
    }
    // The best round is the one the machine's other load disturbed least: on a busy machine it is
    // the better estimate of what each client can do, the median the more honest of what it did.
    Turn anchor = medians.values().iterator().next();
    Turn bestAnchor = bests.values().iterator().next();
    System.out.println();
    System.out.println("| client | median round trips/s | ÷ PgJDBC Statement | best round | ÷ PgJDBC Statement"
        + " | client CPU a round trip | allocated a round trip |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    medians.forEach((name, turn) -> System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2f | %,.0f | %.2f | %.1f µs | %,.0f B |%n",
        name, turn.perSecond(), turn.perSecond() / anchor.perSecond(), bests.get(name).perSecond(),
        bests.get(name).perSecond() / bestAnchor.perSecond(), turn.cpuMicros(), turn.bytes()));
  }

  /** What one turn of a client measured. */
  private record Turn(double perSecond, double cpuMicros, double bytes) {}

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Round trips a second for about {@code seconds}, and what each cost this thread: CPU time
   * (the client's own work, which the server's and the kernel's waits do not count) and bytes
   * allocated.
   */
  private static Turn run(Client client, double seconds) throws Exception {
    RoundTrip roundTrip = client.roundTrip();
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    long cpu = THREADS.getCurrentThreadCpuTime();
    long allocated = THREADS.getCurrentThreadAllocatedBytes();
    long count = 0;
    long now;
    do {
      for (int i = 0; i < 100; i++) {
        roundTrip.run();
      }
      count += 100;
      now = System.nanoTime();
    } while (now < deadline);
    client.settle().run();
    now = System.nanoTime();
    return new Turn(count / ((now - start) / 1e9), (THREADS.getCurrentThreadCpuTime() - cpu) / 1e3 / count,
        (double) (THREADS.getCurrentThreadAllocatedBytes() - allocated) / count);
  }

  /**
   * PgClient with {@value #WINDOW} queries in flight: each round trip waits for the oldest
   * query's answer only once the window is full, then sends the next, so the server always has
   * queries to answer. Answers are read and decoded on the client's reader thread, whose CPU the
   * turn's figure, the calling thread's, does not count.
   */
  private static Client pipelined(InetSocketAddress address, String user) throws IOException {
    PgClient client = PgClient.connect(address, user, null, "postgres");
    ArrayDeque<CompletableFuture<List<PgResult>>> inFlight = new ArrayDeque<>(WINDOW);
    RoundTrip oldest = () -> check(inFlight.poll().get().get(0).rows().get(0).get(0).orElseThrow());
    return new Client(() -> {
      if (inFlight.size() == WINDOW) {
        oldest.run();
      }
      inFlight.add(client.queryAsync("SELECT 1"));
    }, () -> {
      while (!inFlight.isEmpty()) {
        oldest.run();
      }
    }, client);
  }

  private static void check(String value) {
    if (!value.equals("1")) {
      throw new IllegalStateException("SELECT 1 returned " + value);
    }
  }

  /**
   * The floor: a socket that writes the Query's bytes, written once, and skips what comes back up
   * to ReadyForQuery, decoding nothing. No client can do a round trip with less work.
   */
  private static Client raw(InetSocketAddress address, String user) throws IOException {
    Socket socket = new Socket();
    socket.connect(address, 10_000);
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(30_000);
    DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    OutputStream out = socket.getOutputStream();
    byte[] parameters = ("user\0" + user + "\0database\0postgres\0\0").getBytes(StandardCharsets.UTF_8);
    out.write(ByteBuffer.allocate(8 + parameters.length).putInt(8 + parameters.length).putInt(196608)
        .put(parameters).array());
    skipToReady(in);
    byte[] sql = "SELECT 1\0".getBytes(StandardCharsets.UTF_8);
    byte[] query = ByteBuffer.allocate(5 + sql.length).put((byte) 'Q').putInt(4 + sql.length).put(sql).array();
    return new Client(() -> {
      out.write(query);
      skipToReady(in);
    }, socket);
  }

  private static void skipToReady(DataInputStream in) throws IOException {
    while (true) {
      int tag = in.read();
      int length = in.readInt();
      in.skipNBytes(length - 4);
      if (tag == 'Z') {
        return;
      }
      if (tag == 'E' || tag < 0) {
        throw new IOException("the server refused the raw client, or closed");
      }
    }
  }

  private static Properties properties(String user, String mode) {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("preferQueryMode", mode);
    properties.setProperty("sslmode", "disable");
    properties.setProperty("socketTimeout", "30");
    return properties;
  }

  private static Client jdbcStatement(String url, String user, String mode) throws SQLException {
    Connection connection = DriverManager.getConnection(url, properties(user, mode));
    Statement statement = connection.createStatement();
    return new Client(() -> {
      try (ResultSet rs = statement.executeQuery("SELECT 1")) {
        rs.next();
        check(rs.getString(1));
      }
    }, connection);
  }

  private static Client jdbcPrepared(String url, String user) throws SQLException {
    Connection connection = DriverManager.getConnection(url, properties(user, "extended"));
    PreparedStatement statement = connection.prepareStatement("SELECT 1");
    List<AutoCloseable> resources = new ArrayList<>(List.of(statement, connection));
    return new Client(() -> {
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        check(rs.getString(1));
      }
    }, () -> {
      for (AutoCloseable resource : resources) {
        resource.close();
      }
    });
  }
}

package dev.parley.examples.kv;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.Bytes;
import dev.parley.runtime.ProtocolException;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A key-value client: one request, one reply, over a blocking connection. */
public final class KvClient implements Closeable {

  private final BlockingConnection<KvMessage, KvMessage> connection;

  private KvClient(BlockingConnection<KvMessage, KvMessage> connection) {
    this.connection = connection;
  }

  public static KvClient connect(InetSocketAddress server) throws IOException {
    BlockingConnection<KvMessage, KvMessage> connection =
        BlockingConnection.connect(server, KvProtocol.INSTANCE, Duration.ofSeconds(5));
    connection.setReadTimeout(Duration.ofSeconds(10));
    return new KvClient(connection);
  }

  public Optional<Bytes> get(String key) throws IOException {
    return call(new Get(key), Value.class).value();
  }

  /** Stores {@code value}; true if the key had a value before. */
  public boolean put(String key, Bytes value) throws IOException {
    return call(new Put(key, value), Done.class).existed();
  }

  /** Removes {@code key}; true if it was there. */
  public boolean delete(String key) throws IOException {
    return call(new Delete(key), Done.class).existed();
  }

  /** One page of keys from {@code start}, in order. */
  public Page scan(String start, int limit) throws IOException {
    return call(new Scan(start, limit), Page.class);
  }

  /** Every entry from {@code start} on, fetched a page of {@code pageSize} at a time. */
  public List<Entry> scanAll(String start, int pageSize) throws IOException {
    List<Entry> all = new ArrayList<>();
    Optional<String> from = Optional.of(start);
    while (from.isPresent()) {
      Page page = scan(from.get(), pageSize);
      all.addAll(page.entries());
      from = page.next();
    }
    return all;
  }

  private <R extends KvMessage> R call(KvMessage request, Class<R> replyType) throws IOException {
    connection.send(request);
    KvMessage reply = connection.receive().orElseThrow(() -> new IOException("server closed the connection"));
    if (reply instanceof Failure failure) {
      throw new IOException("server refused " + request.getClass().getSimpleName() + ": " + failure.reason());
    }
    if (!replyType.isInstance(reply)) {
      throw new ProtocolException("expected " + replyType.getSimpleName() + ", got " + reply, -1);
    }
    return replyType.cast(reply);
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}

package dev.parley.examples.kv;

import dev.parley.runtime.BlockingConnection;
import dev.parley.runtime.BlockingServer;
import dev.parley.runtime.ConnectionOptions;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * The key-value server: a thread per connection (on the executor the caller picks) over one
 * {@link KvStore}. Each request gets exactly one reply, in order.
 */
public final class KvServer implements Closeable {

  private final KvStore store = new KvStore();
  private final BlockingServer<KvMessage, KvMessage> server;

  private KvServer(InetSocketAddress bind, Executor executor, BiConsumer<SocketAddress, Throwable> onError)
      throws IOException {
    this.server = BlockingServer.builder(KvProtocol.INSTANCE, this::serve)
        .executor(executor)
        .options(ConnectionOptions.defaults().withIdleTimeout(Duration.ofMinutes(5)))
        .errorHook(onError::accept)
        .listen(bind);
  }

  public static KvServer start(InetSocketAddress bind, Executor executor,
      BiConsumer<SocketAddress, Throwable> onError) throws IOException {
    return new KvServer(bind, executor, onError);
  }

  public InetSocketAddress address() {
    return server.address();
  }

  private void serve(BlockingConnection<KvMessage, KvMessage> connection) throws IOException {
    for (Optional<KvMessage> request = connection.receive(); request.isPresent(); request = connection.receive()) {
      connection.send(store.answer(request.get()));
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}

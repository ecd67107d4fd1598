package dev.parley.examples.kv;

import dev.parley.runtime.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** The store behind the key-value server: one reply for each request, safe from many threads. */
public final class KvStore {

  /** The most entries one scan page may hold. */
  public static final int MAX_PAGE = 1000;

  private final ConcurrentSkipListMap<String, Bytes> entries = new ConcurrentSkipListMap<>();

  /** The reply to {@code request}; a reply message sent as a request gets a Failure. */
  public KvMessage answer(KvMessage request) {
    if (request instanceof Get get) {
      return new Value(Optional.ofNullable(entries.get(get.key())));
    } else if (request instanceof Put put) {
      return new Done(entries.put(put.key(), put.value()) != null);
    } else if (request instanceof Delete delete) {
      return new Done(entries.remove(delete.key()) != null);
    } else if (request instanceof Scan scan) {
      if (scan.limit() < 1 || scan.limit() > MAX_PAGE) {
        return new Failure("scan limit must be from 1 to " + MAX_PAGE + ", not " + scan.limit());
      }
      List<Entry> page = new ArrayList<>();
      Optional<String> next = Optional.empty();
      for (Map.Entry<String, Bytes> e : entries.tailMap(scan.start(), true).entrySet()) {
        if (page.size() == scan.limit()) {
          next = Optional.of(e.getKey());
          break;
        }
        page.add(new Entry(e.getKey(), e.getValue()));
      }
      return new Page(page, next);
    }
    return new Failure("not a request: " + request.getClass().getSimpleName());
  }
}

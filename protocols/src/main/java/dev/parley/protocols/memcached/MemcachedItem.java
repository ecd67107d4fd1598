package dev.parley.protocols.memcached;

import dev.parley.runtime.Bytes;
import java.util.Objects;

/**
 * An item as a get returns it.
 *
 * @param value the stored bytes
 * @param flags the 32 bits the client stored with it (unsigned)
 * @param cas the item's compare-and-swap token, to pass to a CAS write
 */
public record MemcachedItem(Bytes value, long flags, long cas) {
  public MemcachedItem {
    Objects.requireNonNull(value, "value");
  }
}

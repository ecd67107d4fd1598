package dev.parley.protocols.memcached;

import dev.parley.runtime.Bytes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The items of a {@link MemcachedServer}: thread-safe, each operation atomic on its key (a
 * {@link ConcurrentHashMap#compute}), with memcached's rules for flags, expiry and CAS. An item
 * past its expiry is gone: reads remove it. The store holds at most {@code maxBytes} of keys,
 * values and a fixed overhead per item; a write past that bound is refused with
 * {@link MemcachedStatus#OUT_OF_MEMORY}, as memcached's {@code -M} does, instead of evicting.
 */
final class MemcachedStore {

  /** Expirations up to this many seconds are relative; larger ones are Unix times (memcached's rule). */
  static final long RELATIVE_EXPIRATION_LIMIT = 60L * 60 * 24 * 30;

  /** The bytes an item costs beyond its key and value, roughly what memcached's item header takes. */
  static final int ITEM_OVERHEAD = 64;

  /** An increment or decrement whose expiration is this fails on an absent key instead of creating it. */
  static final long NO_CREATE = 0xFFFF_FFFFL;

  /** A stored item; {@code expiresAt} in milliseconds since the epoch, 0 for never. */
  record Item(Bytes value, long flags, long expiresAt, long cas) {
    long size(Bytes key) {
      return key.size() + value.size() + ITEM_OVERHEAD;
    }
  }

  /** What a write did: its status, and the item it left (null unless it succeeded). */
  record Outcome(MemcachedStatus status, Item item) {
    static Outcome refused(MemcachedStatus status) {
      return new Outcome(status, null);
    }
  }

  /** How a storage command treats an item already there (CAS, a non-zero cas, overrides all three). */
  enum Mode { SET, ADD, REPLACE }

  private final Map<Bytes, Item> items = new ConcurrentHashMap<>();
  private final Clock clock;
  private final int maxItemSize;
  private final long maxBytes;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong casCounter = new AtomicLong();
  private final AtomicLong totalItems = new AtomicLong();

  MemcachedStore(Clock clock, int maxItemSize, long maxBytes) {
    this.clock = clock;
    this.maxItemSize = maxItemSize;
    this.maxBytes = maxBytes;
  }

  /** The live item under {@code key}, or null. */
  Item get(Bytes key) {
    Item item = items.get(key);
    if (item != null && !isLive(item, clock.millis())) {
      items.computeIfPresent(key, (k, old) -> old == item ? dropped(k, old) : old);
      return null;
    }
    return item;
  }

  /** Set, Add or Replace: {@code cas} 0 stores by {@code mode}, any other value only over that cas. */
  Outcome store(Mode mode, Bytes key, Bytes value, long flags, long expiration, long cas) {
    if (value.size() > maxItemSize) {
      return Outcome.refused(MemcachedStatus.VALUE_TOO_LARGE);
    }
    long now = clock.millis();
    Item fresh = new Item(value, flags, expiresAt(expiration, now), 0);
    return update(key, now, old -> {
      if (cas != 0) {
        // memcached turns a Set, Add or Replace with a cas into a CAS, whatever the command.
        if (old == null) {
          return MemcachedStatus.KEY_NOT_FOUND;
        }
        return old.cas() == cas ? null : MemcachedStatus.KEY_EXISTS;
      }
      if (mode == Mode.ADD && old != null) {
        return MemcachedStatus.KEY_EXISTS;
      }
      if (mode == Mode.REPLACE && old == null) {
        return MemcachedStatus.KEY_NOT_FOUND;
      }
      return null;
    }, old -> fresh);
  }

  /** Append or Prepend {@code value} to the item's, keeping its flags and expiry. */
  Outcome concat(Bytes key, Bytes value, boolean append, long cas) {
    long now = clock.millis();
    return update(key, now, old -> {
      if (old == null) {
        return MemcachedStatus.ITEM_NOT_STORED;
      }
      if (cas != 0 && old.cas() != cas) {
        return MemcachedStatus.KEY_EXISTS;
      }
      return (long) old.value().size() + value.size() > maxItemSize ? MemcachedStatus.VALUE_TOO_LARGE : null;
    }, old -> new Item(append ? join(old.value(), value) : join(value, old.value()), old.flags(), old.expiresAt(), 0));
  }

  /** Removes the item; with a cas, only if it is that one. */
  MemcachedStatus delete(Bytes key, long cas) {
    long now = clock.millis();
    MemcachedStatus[] status = {MemcachedStatus.KEY_NOT_FOUND};
    items.computeIfPresent(key, (k, old) -> {
      if (!isLive(old, now)) {
        return dropped(k, old);
      }
      if (cas != 0 && old.cas() != cas) {
        status[0] = MemcachedStatus.KEY_EXISTS;
        return old;
      }
      status[0] = MemcachedStatus.NO_ERROR;
      return dropped(k, old);
    });
    return status[0];
  }

  /** The result of an increment or decrement: its status and, on success, the new value and cas. */
  record Count(MemcachedStatus status, long value, long cas) {}

  /**
   * Adds or subtracts {@code delta} (unsigned; an increment wraps at 2^64, a decrement stops at 0)
   * to the decimal value of the item. An absent item is created with {@code initial}, unless
   * {@code expiration} is {@link #NO_CREATE}.
   */
  Count count(Bytes key, boolean increment, long delta, long initial, long expiration, long cas) {
    long now = clock.millis();
    long[] result = new long[1];
    Outcome outcome = update(key, now, old -> {
      if (old == null) {
        return expiration == NO_CREATE ? MemcachedStatus.KEY_NOT_FOUND : null;
      }
      if (cas != 0 && old.cas() != cas) {
        return MemcachedStatus.KEY_EXISTS;
      }
      return isDecimal(old.value()) ? null : MemcachedStatus.NON_NUMERIC_VALUE;
    }, old -> {
      long value;
      if (old == null) {
        value = initial;
      } else {
        long current = decimal(old.value());
        value = increment ? current + delta : Long.compareUnsigned(current, delta) <= 0 ? 0 : current - delta;
      }
      result[0] = value;
      Bytes text = Bytes.of(Long.toUnsignedString(value).getBytes(StandardCharsets.US_ASCII));
      return old == null ? new Item(text, 0, expiresAt(expiration, now), 0)
          : new Item(text, old.flags(), old.expiresAt(), 0);
    });
    return outcome.item() == null ? new Count(outcome.status(), 0, 0)
        : new Count(MemcachedStatus.NO_ERROR, result[0], outcome.item().cas());
  }

  /** Sets a live item's expiry; the item as it is now, or null. */
  Item touch(Bytes key, long expiration) {
    long now = clock.millis();
    Item[] touched = new Item[1];
    items.computeIfPresent(key, (k, old) -> {
      if (!isLive(old, now)) {
        return dropped(k, old);
      }
      touched[0] = new Item(old.value(), old.flags(), expiresAt(expiration, now), old.cas());
      return touched[0];
    });
    return touched[0];
  }

  /** Live and expired items not yet removed. */
  int size() {
    return items.size();
  }

  /** Bytes the items hold, as counted against the bound. */
  long bytes() {
    return bytes.get();
  }

  long maxBytes() {
    return maxBytes;
  }

  /** Items stored since the start. */
  long totalItems() {
    return totalItems.get();
  }

  /** What a write checks against the live item (null when absent): null to go ahead, else why not. */
  private interface Check {
    MemcachedStatus refusal(Item old);
  }

  /** What a write stores, from the live item (null when absent); its cas is given on the way in. */
  private interface Change {
    Item apply(Item old);
  }

  /** One atomic write: the check, the bound on bytes, then the new item with a new cas. */
  private Outcome update(Bytes key, long now, Check check, Change change) {
    MemcachedStatus[] refused = {null};
    Item[] stored = {null};
    items.compute(key, (k, current) -> {
      Item old = current != null && isLive(current, now) ? current : null;
      MemcachedStatus refusal = check.refusal(old);
      if (refusal != null) {
        refused[0] = refusal;
        return current == old ? current : dropped(k, current);
      }
      Item next = change.apply(old);
      long grow = next.size(k) - (current == null ? 0 : current.size(k));
      if (grow > 0 && bytes.get() + grow > maxBytes) {
        refused[0] = MemcachedStatus.OUT_OF_MEMORY;
        return current == old ? current : dropped(k, current);
      }
      next = new Item(next.value(), next.flags(), next.expiresAt(), casCounter.incrementAndGet());
      bytes.addAndGet(grow);
      totalItems.incrementAndGet();
      stored[0] = next;
      return next;
    });
    return stored[0] != null ? new Outcome(MemcachedStatus.NO_ERROR, stored[0]) : Outcome.refused(refused[0]);
  }

  /** Counts an item's bytes out as it leaves the map; null, the value that removes it. */
  private Item dropped(Bytes key, Item item) {
    if (item != null) {
      bytes.addAndGet(-item.size(key));
    }
    return null;
  }

  private static boolean isLive(Item item, long now) {
    return item.expiresAt() == 0 || item.expiresAt() > now;
  }

  /** memcached's expiration: 0 never, up to 30 days relative seconds, above that a Unix time. */
  static long expiresAt(long expiration, long now) {
    if (expiration == 0) {
      return 0;
    }
    if (expiration <= RELATIVE_EXPIRATION_LIMIT) {
      return now + expiration * 1000;
    }
    return Math.max(1, expiration * 1000); // a Unix time in the past has expired already
  }

  /** Whether {@code value} is a decimal counter: 1 to 20 ASCII digits that fit 64 unsigned bits. */
  private static boolean isDecimal(Bytes value) {
    if (value.isEmpty() || value.size() > 20) {
      return false;
    }
    for (int i = 0; i < value.size(); i++) {
      byte b = value.get(i);
      if (b < '0' || b > '9') {
        return false;
      }
    }
    try {
      Long.parseUnsignedLong(new String(value.toByteArray(), StandardCharsets.US_ASCII));
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The unsigned value of a counter that {@link #isDecimal} accepted. */
  private static long decimal(Bytes value) {
    return Long.parseUnsignedLong(new String(value.toByteArray(), StandardCharsets.US_ASCII));
  }

  private static Bytes join(Bytes first, Bytes second) {
    byte[] joined = new byte[first.size() + second.size()];
    System.arraycopy(first.toByteArray(), 0, joined, 0, first.size());
    System.arraycopy(second.toByteArray(), 0, joined, first.size(), second.size());
    return Bytes.of(joined);
  }
}

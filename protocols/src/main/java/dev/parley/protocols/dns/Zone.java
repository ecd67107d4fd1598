package dev.parley.protocols.dns;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The records of one zone, as a master file gives them (see {@link #parse(Path)}): an apex, the
 * name at its top, and the records at or below it, looked up as DNS compares names (ASCII case
 * ignored, RFC 4343). Immutable, so one zone serves every connection of a server.
 */
public final class Zone {

  private final DnsName apex;
  private final List<ResourceRecord> records;
  /** The records of each owner, by type; owners in lower case. */
  private final Map<DnsName, Map<Integer, List<ResourceRecord>>> byOwner = new HashMap<>();
  /** The owners and every name between them and the apex (empty non-terminals, RFC 8020), in lower case. */
  private final Set<DnsName> names = new HashSet<>();
  private final ResourceRecord soa;

  Zone(DnsName apex, List<ResourceRecord> records) {
    this.apex = Objects.requireNonNull(apex, "apex");
    this.records = List.copyOf(records);
    ResourceRecord start = null;
    names.add(apex.toLowerCase());
    for (ResourceRecord record : this.records) {
      DnsName owner = record.name().toLowerCase();
      byOwner.computeIfAbsent(owner, o -> new HashMap<>())
          .computeIfAbsent(Rdata.selector(record.rdata()), t -> new ArrayList<>()).add(record);
      for (List<String> labels = owner.labels(); labels.size() > apex.labels().size();
          labels = labels.subList(1, labels.size())) {
        names.add(new DnsName(labels));
      }
      if (record.rdata() instanceof Soa) {
        start = record;
      }
    }
    this.soa = start;
  }

  /**
   * Reads the zone in {@code file}, a master file (RFC 1035 5) in UTF-8: {@code $ORIGIN},
   * {@code $TTL}, records of type A, AAAA, CNAME, MX, NS, PTR, SOA, SRV and TXT, names relative or
   * absolute, {@code @}, comments and parentheses. The apex is the SOA record's owner, or without
   * one the first {@code $ORIGIN}.
   *
   * @throws ZoneFileException with every problem of the file, each {@code file:line: error: ...}
   * @throws IOException if the file cannot be read
   */
  public static Zone parse(Path file) throws IOException, ZoneFileException {
    byte[] bytes = Files.readAllBytes(file);
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new ZoneFileException(List.of(file + ":1: error: the file is not UTF-8 text"));
    }
    return parse(file.toString(), text);
  }

  /**
   * Reads the zone in {@code text}, as {@link #parse(Path)} does; {@code fileName} names it in the
   * problems.
   *
   * @throws ZoneFileException with every problem of the text
   */
  public static Zone parse(String fileName, String text) throws ZoneFileException {
    return ZoneFile.read(Objects.requireNonNull(fileName, "fileName"), Objects.requireNonNull(text, "text"));
  }

  /** The name at the top of the zone: every name in it is at or below it. */
  public DnsName apex() {
    return apex;
  }

  /** Every record, in the order of the file, without duplicates. */
  public List<ResourceRecord> records() {
    return records;
  }

  /** The SOA record at the apex, if the file has one. */
  public Optional<ResourceRecord> soa() {
    return Optional.ofNullable(soa);
  }

  /** Whether {@code name} is at or below the apex: whether this zone has the say over it. */
  public boolean contains(DnsName name) {
    return name.isUnder(apex);
  }

  /** Whether {@code name} exists: it owns records, or names below it do (RFC 8020). */
  public boolean exists(DnsName name) {
    return names.contains(name.toLowerCase());
  }

  /** The records of {@code type} that {@code name} owns, in the order of the file; empty if none. */
  public List<ResourceRecord> rrset(DnsName name, int type) {
    Map<Integer, List<ResourceRecord>> types = byOwner.get(name.toLowerCase());
    if (types == null) {
      return List.of();
    }
    return List.copyOf(types.getOrDefault(type, List.of()));
  }

  /** Every record {@code name} owns, whatever its type, in the order of the file. */
  public List<ResourceRecord> rrsets(DnsName name) {
    Map<Integer, List<ResourceRecord>> types = byOwner.get(name.toLowerCase());
    if (types == null) {
      return List.of();
    }
    List<ResourceRecord> all = new ArrayList<>();
    for (ResourceRecord record : records) {
      if (record.name().equalsIgnoreCase(name)) {
        all.add(record);
      }
    }
    return all;
  }
}

package dev.parley.protocols.dns;

import dev.parley.runtime.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a zone in the master-file format of RFC 1035 section 5: entries of one line each, or of
 * several inside parentheses; {@code ;} comments; {@code $ORIGIN}, and {@code $TTL} of RFC 2308;
 * owner names absolute (a trailing dot) or relative to the origin, {@code @} for the origin, a
 * blank owner for the previous one; TTL and class in either order, both optional, the TTL in
 * seconds or in BIND's units ({@code 1h30m}); quoted character strings with {@code \X} and
 * {@code \DDD} escapes. Types: A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT; class IN only.
 *
 * <p>Every problem of the file is collected, as {@code file:line: error: ...}, and thrown at the
 * end together: syntax, values that do not read, and what would make the zone wrong (a name
 * outside it, a CNAME beside other data, one RRset with two TTLs, two SOAs).
 */
final class ZoneFile {

  /** The longest TTL: 2^31 - 1 seconds (RFC 2181 8). */
  static final long MAX_TTL = Integer.MAX_VALUE;

  private static final Map<String, Integer> TYPES = Map.of(
      "A", DnsConstants.TYPE_A, "AAAA", DnsConstants.TYPE_AAAA,
      "CNAME", DnsConstants.TYPE_CNAME, "MX", DnsConstants.TYPE_MX,
      "NS", DnsConstants.TYPE_NS, "PTR", DnsConstants.TYPE_PTR,
      "SOA", DnsConstants.TYPE_SOA, "SRV", DnsConstants.TYPE_SRV,
      "TXT", DnsConstants.TYPE_TXT);

  private static final List<String> CLASSES = List.of("IN", "CH", "CS", "HS");

  /** A word or a quoted string, with its escapes as written, and the line it starts on. */
  private record Token(String text, boolean quoted, int line) {
    @Override
    public String toString() {
      return quoted ? '"' + text + '"' : text;
    }
  }

  /** One entry: its tokens, and whether its first line starts blank (the previous owner's). */
  private record Entry(List<Token> tokens, boolean blankOwner) {
    int line() {
      return tokens.get(0).line();
    }
  }

  /** A record read, and the line of its entry. */
  private record Located(ResourceRecord record, int line) {}

  private final String file;
  /** A problem found, and the line it is on. */
  private record Problem(int line, String text) {}

  private final List<Problem> problems = new ArrayList<>();
  private final List<Located> records = new ArrayList<>();
  private DnsName origin;
  private DnsName firstOrigin;
  private Long defaultTtl;
  private Long lastTtl;
  private DnsName lastOwner;

  private ZoneFile(String file) {
    this.file = file;
  }

  /** The zone {@code text} holds; {@code file} names it in the problems. */
  static Zone read(String file, String text) throws ZoneFileException {
    ZoneFile zone = new ZoneFile(file);
    for (Entry entry : zone.entries(text)) {
      zone.entry(entry);
    }
    // The lexer's problems and the entries' in the order of the file; then those of the zone.
    zone.problems.sort(java.util.Comparator.comparingInt(Problem::line));
    Zone result = zone.check();
    if (!zone.problems.isEmpty()) {
      throw new ZoneFileException(zone.problems.stream().map(Problem::text).toList());
    }
    return result;
  }

  private void error(int line, String message) {
    problems.add(new Problem(line, file + ":" + line + ": error: " + message));
  }

  // ---- lexing: characters to tokens to entries

  private List<Entry> entries(String text) {
    List<Entry> entries = new ArrayList<>();
    List<Token> tokens = new ArrayList<>();
    boolean blankOwner = false;
    boolean lineStartsBlank = false;
    int line = 1;
    int depth = 0;
    int openedAt = 0;
    int n = text.length();
    int i = 0;
    boolean lineStart = true;
    while (i < n) {
      char c = text.charAt(i);
      if (lineStart) {
        lineStartsBlank = c == ' ' || c == '\t';
        lineStart = false;
      }
      if (c == '\n') {
        if (depth == 0 && !tokens.isEmpty()) {
          entries.add(new Entry(tokens, blankOwner));
          tokens = new ArrayList<>();
        }
        line++;
        lineStart = true;
        i++;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        i++;
      } else if (c == ';') {
        while (i < n && text.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '(') {
        if (depth++ == 0) {
          openedAt = line;
        }
        i++;
      } else if (c == ')') {
        if (depth == 0) {
          error(line, "')' without a '(' before it");
        } else {
          depth--;
        }
        i++;
      } else {
        if (tokens.isEmpty()) {
          blankOwner = lineStartsBlank;
        }
        StringBuilder token = new StringBuilder();
        boolean quoted = c == '"';
        if (quoted) {
          i++;
          while (i < n && text.charAt(i) != '"' && text.charAt(i) != '\n') {
            if (text.charAt(i) == '\\' && i + 1 < n && text.charAt(i + 1) != '\n') {
              token.append(text.charAt(i++));
            }
            token.append(text.charAt(i++));
          }
          if (i < n && text.charAt(i) == '"') {
            i++;
          } else {
            error(line, "a quoted string is not closed on its line");
          }
        } else {
          while (i < n && " \t\r\n;()\"".indexOf(text.charAt(i)) < 0) {
            if (text.charAt(i) == '\\' && i + 1 < n && text.charAt(i + 1) != '\n') {
              token.append(text.charAt(i++));
            }
            token.append(text.charAt(i++));
          }
        }
        tokens.add(new Token(token.toString(), quoted, line));
      }
    }
    if (depth > 0) {
      error(openedAt, "'(' is not closed before the end of the file");
    }
    if (!tokens.isEmpty()) {
      entries.add(new Entry(tokens, blankOwner));
    }
    return entries;
  }

  // ---- entries: directives and records

  private void entry(Entry entry) {
    List<Token> tokens = entry.tokens();
    Token first = tokens.get(0);
    if (!entry.blankOwner() && !first.quoted() && first.text().startsWith("$")) {
      directive(first, tokens.subList(1, tokens.size()));
      return;
    }
    int at = 0;
    DnsName owner;
    if (entry.blankOwner()) {
      if (lastOwner == null) {
        error(entry.line(), "the record has no owner name (its line starts blank) and no record before it has one");
        return;
      }
      owner = lastOwner;
    } else {
      owner = name(first, "owner name");
      at = 1;
      if (owner == null) {
        lastOwner = null;
        return;
      }
      lastOwner = owner;
    }
    Long ttl = null;
    boolean classSeen = false;
    while (at < tokens.size() && !tokens.get(at).quoted()) {
      String word = tokens.get(at).text();
      if (ttl == null && Addresses.isDigit(word.charAt(0))) {
        ttl = ttl(tokens.get(at));
        if (ttl == null) {
          return;
        }
        lastTtl = ttl;
      } else if (!classSeen && CLASSES.contains(word.toUpperCase(Locale.ROOT))) {
        if (!word.equalsIgnoreCase("IN")) {
          error(tokens.get(at).line(), "class " + word + " is not served: only IN");
          return;
        }
        classSeen = true;
      } else {
        break;
      }
      at++;
    }
    if (at == tokens.size()) {
      error(entry.line(), "the record of " + owner + " has no type");
      return;
    }
    Token typeToken = tokens.get(at++);
    Integer type = typeToken.quoted() ? null : TYPES.get(typeToken.text().toUpperCase(Locale.ROOT));
    if (type == null) {
      error(typeToken.line(), "'" + typeToken + "' is not a record type read here (A, AAAA, CNAME, MX, NS, PTR,"
          + " SOA, SRV, TXT)");
      return;
    }
    if (ttl == null) {
      ttl = defaultTtl != null ? defaultTtl : lastTtl;
      if (ttl == null) {
        error(entry.line(), "the " + typeToken.text().toUpperCase(Locale.ROOT) + " record of " + owner
            + " has no TTL, and no $TTL or record before it gives one");
        return;
      }
    }
    Rdata rdata = rdata(type, typeToken, tokens.subList(at, tokens.size()));
    if (rdata != null) {
      records.add(new Located(new ResourceRecord(owner, DnsConstants.CLASS_IN, ttl, rdata), entry.line()));
    }
  }

  private void directive(Token directive, List<Token> arguments) {
    String name = directive.text().toUpperCase(Locale.ROOT);
    switch (name) {
      case "$ORIGIN" -> {
        if (arguments.size() != 1) {
          error(directive.line(), "$ORIGIN takes one domain name, found " + arguments.size() + " fields");
          return;
        }
        DnsName next = name(arguments.get(0), "$ORIGIN");
        if (next != null) {
          origin = next;
          if (firstOrigin == null) {
            firstOrigin = next;
          }
        }
      }
      case "$TTL" -> {
        if (arguments.size() != 1) {
          error(directive.line(), "$TTL takes one TTL, found " + arguments.size() + " fields");
          return;
        }
        Long ttl = ttl(arguments.get(0));
        if (ttl != null) {
          defaultTtl = ttl;
        }
      }
      case "$INCLUDE" -> error(directive.line(), "$INCLUDE is not supported: put the records in this file");
      default -> error(directive.line(), "unknown directive " + directive.text() + ": $ORIGIN and $TTL are read");
    }
  }

  // ---- values

  /** The name {@code token} writes, completed with the origin when relative; null, reported, if none. */
  private DnsName name(Token token, String what) {
    if (token.quoted()) {
      error(token.line(), what + " " + token + " is quoted: a name is written without quotes");
      return null;
    }
    String text = token.text();
    if (text.equals("@")) {
      if (origin == null) {
        error(token.line(), what + " '@' stands for the origin, and no $ORIGIN came before it");
      }
      return origin;
    }
    DnsName name;
    try {
      name = DnsName.parse(text);
    } catch (IllegalArgumentException e) {
      error(token.line(), what + ": " + e.getMessage());
      return null;
    }
    if (isAbsolute(text)) {
      return name;
    }
    if (origin == null) {
      error(token.line(), what + " '" + text + "' is relative and no $ORIGIN came before it: end it with a"
          + " dot, or set $ORIGIN");
      return null;
    }
    try {
      return name.append(origin);
    } catch (IllegalArgumentException e) {
      error(token.line(), what + " '" + text + "' with the origin " + origin + ": " + e.getMessage());
      return null;
    }
  }

  /** Whether a name's text ends with a dot that is not escaped: an even run of backslashes before it. */
  private static boolean isAbsolute(String text) {
    if (!text.endsWith(".")) {
      return false;
    }
    int backslashes = 0;
    for (int i = text.length() - 2; i >= 0 && text.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return backslashes % 2 == 0;
  }

  /** A TTL: seconds, or BIND's {@code 1w2d3h4m5s}; at most 2^31 - 1. Null, reported, if it does not read. */
  private Long ttl(Token token) {
    String text = token.text().toLowerCase(Locale.ROOT);
    long total = 0;
    long number = -1;
    boolean units = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int unit = "smhdw".indexOf(c);
      if (c >= '0' && c <= '9' && !token.quoted()) {
        number = Math.max(number, 0) * 10 + (c - '0');
        if (number > MAX_TTL) {
          break;
        }
      } else if (unit >= 0 && number >= 0) {
        total += number * new long[] {1, 60, 3600, 86_400, 604_800}[unit];
        number = -1;
        units = true;
      } else {
        error(token.line(), "TTL '" + token + "' is not a number of seconds, nor one like 1h30m (w, d, h, m, s)");
        return null;
      }
    }
    if (number >= 0) {
      if (units) {
        error(token.line(), "TTL '" + token + "' ends in a number without a unit (w, d, h, m, s)");
        return null;
      }
      total += number;
    }
    if (total > MAX_TTL) {
      error(token.line(), "TTL '" + token + "' is more than " + MAX_TTL + " seconds (RFC 2181 8)");
      return null;
    }
    return total;
  }

  /** A decimal integer from 0 to {@code max}; null, reported, if it is not one. */
  private Long number(Token token, long max, String what) {
    String text = token.text();
    if (token.quoted() || text.isEmpty() || text.length() > 10 || !text.chars().allMatch(Addresses::isDigit)
        || Long.parseLong(text) > max) {
      error(token.line(), what + " '" + token + "' is not a number from 0 to " + max);
      return null;
    }
    return Long.parseLong(text);
  }

  /** A character string's bytes: UTF-8, {@code \DDD} an octet, {@code \X} the character X. Null if over 255. */
  private Bytes characterString(Token token) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String text = token.text();
    for (int i = 0; i < text.length(); i++) {
      int c = text.codePointAt(i);
      if (c == '\\' && isDigits(text, i + 1)) {
        int octet = Integer.parseInt(text.substring(i + 1, i + 4));
        if (octet > 255) {
          error(token.line(), "character string " + token + " escapes " + octet + ": an octet is 0 to 255");
          return null;
        }
        out.write(octet);
        i += 3;
        continue;
      }
      if (c == '\\' && i + 1 < text.length()) {
        c = text.codePointAt(++i);
      }
      out.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
      i += Character.charCount(c) - 1;
    }
    if (out.size() > 255) {
      error(token.line(), "character string " + token + " takes " + out.size() + " bytes: at most 255 (RFC 1035 3.3)");
      return null;
    }
    return Bytes.of(out.toByteArray());
  }

  private static boolean isDigits(String text, int from) {
    if (from + 3 > text.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (!Addresses.isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  // ---- record data

  /** The data of a record of {@code type}, or null, reported, if the fields do not read. */
  private Rdata rdata(int type, Token typeToken, List<Token> fields) {
    String name = typeToken.text().toUpperCase(Locale.ROOT);
    int line = typeToken.line();
    switch (type) {
      case DnsConstants.TYPE_A: {
        if (!count(name, line, fields, 1, "an IPv4 address")) {
          return null;
        }
        byte[] address = Addresses.ipv4(fields.get(0).text());
        if (address == null || fields.get(0).quoted()) {
          error(line, "A address '" + fields.get(0) + "' is not an IPv4 address (four decimal octets, as 192.0.2.1)");
          return null;
        }
        return new A(Bytes.of(address));
      }
      case DnsConstants.TYPE_AAAA: {
        if (!count(name, line, fields, 1, "an IPv6 address")) {
          return null;
        }
        byte[] address = Addresses.ipv6(fields.get(0).text());
        if (address == null || fields.get(0).quoted()) {
          error(line, "AAAA address '" + fields.get(0) + "' is not an IPv6 address (as 2001:db8::1)");
          return null;
        }
        return new Aaaa(Bytes.of(address));
      }
      case DnsConstants.TYPE_CNAME, DnsConstants.TYPE_NS, DnsConstants.TYPE_PTR: {
        if (!count(name, line, fields, 1, "a domain name")) {
          return null;
        }
        DnsName target = name(fields.get(0), name + " target");
        if (target == null) {
          return null;
        }
        return type == DnsConstants.TYPE_CNAME ? new Cname(target) : type == DnsConstants.TYPE_NS ? new Ns(target)
            : new Ptr(target);
      }
      case DnsConstants.TYPE_MX: {
        if (!count(name, line, fields, 2, "a preference and an exchange")) {
          return null;
        }
        Long preference = number(fields.get(0), 0xFFFF, "MX preference");
        DnsName exchange = name(fields.get(1), "MX exchange");
        return preference == null || exchange == null ? null : new Mx(preference.intValue(), exchange);
      }
      case DnsConstants.TYPE_SRV: {
        if (!count(name, line, fields, 4, "priority, weight, port and target")) {
          return null;
        }
        Long priority = number(fields.get(0), 0xFFFF, "SRV priority");
        Long weight = number(fields.get(1), 0xFFFF, "SRV weight");
        Long port = number(fields.get(2), 0xFFFF, "SRV port");
        DnsName target = name(fields.get(3), "SRV target");
        return priority == null || weight == null || port == null || target == null ? null
            : new Srv(priority.intValue(), weight.intValue(), port.intValue(), target);
      }
      case DnsConstants.TYPE_SOA: {
        if (!count(name, line, fields, 7, "mname, rname, serial, refresh, retry, expire and minimum")) {
          return null;
        }
        DnsName mname = name(fields.get(0), "SOA mname");
        DnsName rname = name(fields.get(1), "SOA rname");
        Long serial = number(fields.get(2), 0xFFFF_FFFFL, "SOA serial");
        Long refresh = ttl(fields.get(3));
        Long retry = ttl(fields.get(4));
        Long expire = ttl(fields.get(5));
        Long minimum = ttl(fields.get(6));
        return mname == null || rname == null || serial == null || refresh == null || retry == null
            || expire == null || minimum == null ? null
            : new Soa(mname, rname, serial, refresh, retry, expire, minimum);
      }
      case DnsConstants.TYPE_TXT: {
        if (fields.isEmpty()) {
          error(line, "TXT takes one or more character strings, found none");
          return null;
        }
        List<Bytes> strings = new ArrayList<>();
        for (Token field : fields) {
          Bytes string = characterString(field);
          if (string == null) {
            return null;
          }
          strings.add(string);
        }
        return new Txt(strings);
      }
      default:
        throw new IllegalStateException("unreachable: type " + type + " is in TYPES");
    }
  }

  private boolean count(String type, int line, List<Token> fields, int wanted, String what) {
    if (fields.size() != wanted) {
      error(line, type + " takes " + wanted + (wanted == 1 ? " field (" : " fields (") + what + "), found "
          + fields.size());
      return false;
    }
    return true;
  }

  // ---- the zone as a whole

  /** The zone of the records read, after the checks that span records; null if it has no apex. */
  private Zone check() {
    Located soa = null;
    for (Located r : records) {
      if (r.record().rdata() instanceof Soa) {
        if (soa == null) {
          soa = r;
        } else {
          error(r.line(), "a second SOA record (the first is at line " + soa.line() + "): a zone has one");
        }
      }
    }
    DnsName apex = soa != null ? soa.record().name() : firstOrigin;
    if (apex == null) {
      error(1, "the zone has no SOA record and no $ORIGIN: its apex is unknown");
      return null;
    }
    // Per owner (as DNS compares names), the records' types and the line each RRset starts at.
    Map<DnsName, Map<Integer, Located>> seen = new HashMap<>();
    List<ResourceRecord> kept = new ArrayList<>();
    Map<DnsName, List<ResourceRecord>> sets = new HashMap<>();
    for (Located r : records) {
      ResourceRecord record = r.record();
      if (!record.name().isUnder(apex)) {
        error(r.line(), record.name() + " is outside the zone " + apex);
        continue;
      }
      DnsName key = record.name().toLowerCase();
      int type = Rdata.selector(record.rdata());
      Map<Integer, Located> types = seen.computeIfAbsent(key, k -> new LinkedHashMap<>());
      Located cname = types.get(DnsConstants.TYPE_CNAME);
      Located sameType = types.get(type);
      if (type == DnsConstants.TYPE_CNAME && sameType != null) {
        error(r.line(), record.name() + " has a second CNAME (the first is at line " + sameType.line()
            + "): an alias has one target");
        continue;
      }
      if ((cname != null && type != DnsConstants.TYPE_CNAME)
          || (type == DnsConstants.TYPE_CNAME && !types.isEmpty())) {
        Located other = cname != null ? cname : types.values().iterator().next();
        error(r.line(), record.name() + " has a CNAME and other records (the first at line " + other.line()
            + "): an alias has no other data (RFC 1034 3.6.2)");
        continue;
      }
      if (sameType != null && sameType.record().ttl() != record.ttl()) {
        error(r.line(), "TTL " + record.ttl() + " differs from the " + sameType.record().ttl() + " of the same RRset"
            + " at line " + sameType.line() + ": the records of one RRset have one TTL (RFC 2181 5.2)");
        continue;
      }
      if (sameType == null) {
        types.put(type, r);
      }
      List<ResourceRecord> set = sets.computeIfAbsent(key, k -> new ArrayList<>());
      if (set.stream().noneMatch(s -> s.rdata().equals(record.rdata()))) {
        set.add(record); // an RRset holds no record twice (RFC 2181 5)
        kept.add(record);
      }
    }
    return new Zone(apex, kept);
  }
}

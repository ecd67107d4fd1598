package dev.parley.protocols.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the description column of {@code dns-tcp.tsv} says of a frame, read so that a test can hold
 * the decoded message against it value by value:
 * {@code u16 length=49 (excludes itself), then response id=0x1001 flags=0x8580 (qr=1 ... rcode=NOERROR)
 * qd=1 an=1 ns=0 ar=0 | Q www.parley.test. A class=1; AN www.parley.test. A ttl=0 rdlen=4 192.0.2.10
 * | compression pointers (offset in message->target): 33->12}.
 */
record CaptureDescription(
    int length,
    boolean response,
    int id,
    int flags,
    Map<String, Integer> flagBits,
    String rcode,
    int questionCount,
    int answerCount,
    int authorityCount,
    int additionalCount,
    List<QuestionLine> questions,
    List<RecordLine> records,
    List<Pointer> pointers) {

  /** {@code Q www.parley.test. A class=1}. */
  record QuestionLine(String name, String type, int qclass) {}

  /**
   * A resource record of section {@code AN}, {@code NS} or {@code AR}: {@code AN www.parley.test. A
   * ttl=0 rdlen=4 192.0.2.10}, or, for an EDNS0 OPT record, {@code AR OPT(EDNS0) udp_payload=1232
   * ext_rcode_flags=0x00000000 rdlen=0}, whose udp payload is its class and whose extended rcode
   * and flags its ttl. Only the OPT record's class is in the description.
   */
  record RecordLine(String section, String name, String type, java.util.OptionalInt rrClass, long ttl, int rdlength,
      String data) {}

  /** A compression pointer at {@code offset} in the message to {@code target}, both from its first byte. */
  record Pointer(int offset, int target) {}

  private static final Pattern HEADER = Pattern.compile("u16 length=(\\d+) \\(excludes itself\\), then"
      + " (query|response) id=0x(\\p{XDigit}+) flags=0x(\\p{XDigit}+) \\(([^)]*)\\)"
      + " qd=(\\d+) an=(\\d+) ns=(\\d+) ar=(\\d+)");
  private static final Pattern QUESTION = Pattern.compile("Q (\\S+) (\\w+) class=(\\d+)");
  private static final Pattern OPT = Pattern.compile(
      "(AN|NS|AR) OPT\\(EDNS0\\) udp_payload=(\\d+) ext_rcode_flags=0x(\\p{XDigit}+) rdlen=(\\d+)");
  private static final Pattern RECORD = Pattern.compile("(AN|NS|AR) (\\S+) (\\w+) ttl=(\\d+) rdlen=(\\d+) (.+)");
  private static final Pattern POINTER = Pattern.compile("(\\d+)->(\\d+)");

  static CaptureDescription parse(String text) {
    String[] parts = text.split(" \\| ");
    if (parts.length != 3) {
      throw new IllegalArgumentException("expected HEADER | SECTIONS | POINTERS: " + text);
    }
    Matcher header = matchWhole(HEADER, parts[0]);
    Map<String, Integer> bits = new java.util.LinkedHashMap<>();
    String rcode = null;
    for (String bit : header.group(5).split(" ")) {
      String[] nameValue = bit.split("=");
      if (nameValue[0].equals("rcode")) {
        rcode = nameValue[1];
      } else {
        bits.put(nameValue[0], Integer.parseInt(nameValue[1]));
      }
    }
    List<QuestionLine> questions = new ArrayList<>();
    List<RecordLine> records = new ArrayList<>();
    for (String entry : parts[1].split("; ")) {
      if (entry.startsWith("Q ")) {
        Matcher q = matchWhole(QUESTION, entry);
        questions.add(new QuestionLine(q.group(1), q.group(2), Integer.parseInt(q.group(3))));
      } else if (entry.contains(" OPT(EDNS0) ")) {
        Matcher o = matchWhole(OPT, entry);
        records.add(new RecordLine(o.group(1), ".", "OPT", java.util.OptionalInt.of(Integer.parseInt(o.group(2))),
            Long.parseLong(o.group(3), 16),
            Integer.parseInt(o.group(4)), ""));
      } else {
        Matcher r = matchWhole(RECORD, entry);
        records.add(new RecordLine(r.group(1), r.group(2), r.group(3), java.util.OptionalInt.empty(),
            Long.parseLong(r.group(4)),
            Integer.parseInt(r.group(5)), r.group(6)));
      }
    }
    List<Pointer> pointers = new ArrayList<>();
    if (!parts[2].equals("no compression pointers")) {
      String prefix = "compression pointers (offset in message->target): ";
      if (!parts[2].startsWith(prefix)) {
        throw new IllegalArgumentException("unknown pointer list: " + parts[2]);
      }
      for (String pointer : parts[2].substring(prefix.length()).split(", ")) {
        Matcher p = matchWhole(POINTER, pointer);
        pointers.add(new Pointer(Integer.parseInt(p.group(1)), Integer.parseInt(p.group(2))));
      }
    }
    return new CaptureDescription(Integer.parseInt(header.group(1)), header.group(2).equals("response"),
        Integer.parseInt(header.group(3), 16), Integer.parseInt(header.group(4), 16), bits, rcode,
        Integer.parseInt(header.group(6)), Integer.parseInt(header.group(7)), Integer.parseInt(header.group(8)),
        Integer.parseInt(header.group(9)), questions, records, pointers);
  }

  private static Matcher matchWhole(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' does not match " + pattern);
    }
    return m;
  }

  /** The records of one section, {@code AN}, {@code NS} or {@code AR}, in order. */
  List<RecordLine> section(String name) {
    return records.stream().filter(r -> r.section().equals(name)).toList();
  }
}

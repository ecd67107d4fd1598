package dev.parley.spec.decode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader for tests: exactly RFC 8259's grammar (no trailing commas, leading zeros,
 * single quotes or raw control characters in strings) plus I-JSON's rules (RFC 7493: no unpaired
 * surrogates, no duplicate names). Objects become {@link LinkedHashMap}s, arrays {@link List}s,
 * numbers {@link BigDecimal}s, strings {@link String}s, {@code true}/{@code false}
 * {@link Boolean}s, and {@code null} {@link #NULL}. Anything else is an
 * {@link IllegalArgumentException} that says where.
 */
final class StrictJson {

  /** JSON's {@code null}. */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  private final String text;
  private int at;

  private StrictJson(String text) {
    this.text = text;
  }

  /** The one value {@code text} holds, with nothing but whitespace around it. */
  static Object parse(String text) {
    StrictJson json = new StrictJson(text);
    json.whitespace();
    Object value = json.value();
    json.whitespace();
    if (json.at != text.length()) {
      throw json.error("text after the value");
    }
    return value;
  }

  private IllegalArgumentException error(String problem) {
    return new IllegalArgumentException(problem + " at index " + at + " of " + text);
  }

  private void whitespace() {
    while (at < text.length() && " \t\n\r".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
  }

  private char peek() {
    if (at == text.length()) {
      throw error("unexpected end");
    }
    return text.charAt(at);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    at++;
  }

  private void literal(String word) {
    if (!text.startsWith(word, at)) {
      throw error("expected " + word);
    }
    at += word.length();
  }

  private Object value() {
    char c = peek();
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        literal("true");
        return true;
      case 'f':
        literal("false");
        return false;
      case 'n':
        literal("null");
        return NULL;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected '" + c + "'");
    }
  }

  private Map<String, Object> object() {
    expect('{');
    Map<String, Object> members = new LinkedHashMap<>();
    whitespace();
    if (peek() == '}') {
      at++;
      return members;
    }
    while (true) {
      whitespace();
      int nameAt = at;
      String name = string();
      whitespace();
      expect(':');
      whitespace();
      if (members.put(name, value()) != null) {
        at = nameAt;
        throw error("duplicate name \"" + name + "\"");
      }
      whitespace();
      if (peek() == '}') {
        at++;
        return members;
      }
      expect(',');
    }
  }

  private List<Object> array() {
    expect('[');
    List<Object> elements = new ArrayList<>();
    whitespace();
    if (peek() == ']') {
      at++;
      return elements;
    }
    while (true) {
      whitespace();
      elements.add(value());
      whitespace();
      if (peek() == ']') {
        at++;
        return elements;
      }
      expect(',');
    }
  }

  private BigDecimal number() {
    int start = at;
    if (peek() == '-') {
      at++;
    }
    if (peek() == '0') {
      at++;
    } else {
      digits();
    }
    if (at < text.length() && text.charAt(at) == '.') {
      at++;
      digits();
    }
    if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
      at++;
      if (peek() == '+' || peek() == '-') {
        at++;
      }
      digits();
    }
    return new BigDecimal(text.substring(start, at));
  }

  private void digits() {
    if (peek() < '0' || peek() > '9') {
      throw error("expected a digit");
    }
    while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
      at++;
    }
  }

  private String string() {
    expect('"');
    StringBuilder s = new StringBuilder();
    while (true) {
      char c = peek();
      at++;
      if (c == '"') {
        break;
      } else if (c < 0x20) {
        at--;
        throw error(String.format("raw control character U+%04X in a string", (int) c));
      } else if (c != '\\') {
        s.append(c);
        continue;
      }
      char e = peek();
      at++;
      switch (e) {
        case '"', '\\', '/' -> s.append(e);
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'u' -> {
          if (at + 4 > text.length()) {
            throw error("\\u needs four hex digits");
          }
          for (int i = at; i < at + 4; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
              throw error("\\u needs four hex digits");
            }
          }
          s.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
          at += 4;
        }
        default -> {
          at--;
          throw error("unknown escape \\" + e);
        }
      }
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw error("unpaired surrogate in the string ending");
      }
    }
    return s.toString();
  }
}

package dev.parley.protocols.pg;

import dev.parley.protocols.pg.Statement.Expr;
import dev.parley.protocols.pg.Statement.Literal;
import dev.parley.protocols.pg.Statement.Param;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The parser of pg-server's dialect: PostgreSQL's lexical rules (keywords and unquoted names
 * folded to lower case, {@code '...'} strings with {@code ''}, {@code "..."} names, {@code --} and
 * {@code /* *}{@code /} comments, {@code $n} parameters), and the few statements of
 * {@link Statement}. What is SQL but not that is 0A000 feature_not_supported; what is not SQL is
 * 42601 syntax_error, as PostgreSQL would say.
 */
final class Sql {

  /** Statements PostgreSQL has and pg-server does not: 0A000, not a syntax error. */
  private static final Set<String> UNSUPPORTED = Set.of("abort", "alter", "analyze", "begin", "call", "checkpoint",
      "close", "cluster", "comment", "commit", "copy", "create", "deallocate", "declare", "discard", "do", "drop",
      "end", "execute", "explain", "fetch", "grant", "import", "listen", "load", "lock", "merge", "move", "notify",
      "prepare", "reassign", "refresh", "reindex", "release", "revoke", "rollback", "savepoint", "security",
      "start", "table", "truncate", "unlisten", "update", "vacuum", "values", "with");

  /** Words that go on a statement where pg-server's grammar stops: SQL it does not support. */
  private static final Set<String> CLAUSES = Set.of("and", "as", "between", "cross", "except", "fetch", "for",
      "from", "full", "group", "having", "ilike", "in", "inner", "intersect", "is", "join", "left", "like", "limit",
      "natural", "not", "offset", "on", "or", "order", "returning", "right", "union", "using", "where", "window");

  private enum Kind { WORD, NAME, STRING, NUMBER, PARAM, SYMBOL, END }

  /**
   * A token; {@code text} is a word folded to lower case, a string's value, or the symbol, and
   * {@code raw} what the SQL says, for messages.
   */
  private record Token(Kind kind, String text, String raw) {
    Token(Kind kind, String text) {
      this(kind, text, text);
    }

    boolean is(String word) {
      return (kind == Kind.WORD || kind == Kind.SYMBOL) && text.equals(word);
    }

    String shown() {
      return kind == Kind.END ? "end of input" : "\"" + raw + "\"";
    }
  }

  private static final Token END = new Token(Kind.END, "");

  private final List<Token> tokens;
  private int at;
  /** The type of the last cast that ended an expression, or null: it names an unnamed column. */
  private PgType lastCast;

  private Sql(List<Token> tokens) {
    this.tokens = tokens;
  }

  /**
   * The statements of {@code sql}, split at the semicolons outside strings, names and comments,
   * empty ones dropped; an SQL text of nothing gives none.
   *
   * @throws PgException 42601 for an unterminated string, name or comment
   */
  static List<Statement> parseAll(String sql) throws PgException {
    List<List<Token>> statements = new ArrayList<>();
    List<Token> current = new ArrayList<>();
    for (Token token : tokenize(sql)) {
      if (token.is(";") || token.kind == Kind.END) {
        if (!current.isEmpty()) {
          current.add(END);
          statements.add(current);
          current = new ArrayList<>();
        }
      } else {
        current.add(token);
      }
    }
    List<Statement> parsed = new ArrayList<>(statements.size());
    for (List<Token> statement : statements) {
      parsed.add(new Sql(statement).statement());
    }
    return parsed;
  }

  /**
   * The one statement of {@code sql}, as the extended protocol's Parse takes it; nothing at all
   * is {@link Statement.Empty}.
   *
   * @throws PgException 42601 for two statements or more, or a syntax error
   */
  static Statement parseOne(String sql) throws PgException {
    List<Statement> statements = parseAll(sql);
    if (statements.size() > 1) {
      throw PgException.error("42601", "cannot insert multiple commands into a prepared statement");
    }
    return statements.isEmpty() ? new Statement.Empty() : statements.get(0);
  }

  // ---- The grammar --------------------------------------------------------------------------

  private Statement statement() throws PgException {
    Token first = next();
    if (first.kind != Kind.WORD) {
      throw syntaxError(first);
    }
    Statement statement = switch (first.text) {
      case "select" -> select();
      case "insert" -> insert();
      case "delete" -> delete();
      case "set" -> set();
      case "reset" -> new Statement.ResetParameter(parameterName());
      case "show" -> show();
      default -> throw UNSUPPORTED.contains(first.text) ? notSupported(first.text.toUpperCase(Locale.ROOT))
          : syntaxError(first);
    };
    Token rest = next();
    if (rest.kind != Kind.END) {
      throw rest.kind == Kind.WORD && CLAUSES.contains(rest.text)
          ? notSupported(rest.text.toUpperCase(Locale.ROOT) + " here") : syntaxError(rest);
    }
    return statement;
  }

  private Statement select() throws PgException {
    List<Statement.Item> items = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    do {
      if (peek().is("*")) {
        next();
        columns.add("*");
        continue;
      }
      Token start = peek();
      if (start.kind == Kind.WORD && CLAUSES.contains(start.text)) {
        throw syntaxError(start);
      }
      if (start.kind == Kind.WORD && !isValueWord(start.text) || start.kind == Kind.NAME) {
        next();
        if (peek().is("(")) {
          throw notSupported("function calls such as " + start.text + "()");
        }
        columns.add(start.text);
        alias(); // a column's alias renames it; pg-server keeps k and v
        continue;
      }
      Expr expr = expr();
      String name = defaultName(start);
      name = alias().orElse(name);
      items.add(new Statement.Item(expr, name));
    } while (accept(","));
    if (!accept("from")) {
      if (!columns.isEmpty()) {
        throw columns.get(0).equals("*") ? PgException.error("42601", "SELECT * with no tables specified is not valid")
            : undefinedColumn(columns.get(0));
      }
      return new Statement.SelectValues(items);
    }
    table();
    if (!items.isEmpty()) {
      throw notSupported("values other than the columns of kv in a SELECT FROM kv");
    }
    List<String> selected = new ArrayList<>();
    for (String column : columns) {
      if (column.equals("*")) {
        selected.add("k");
        selected.add("v");
      } else if (column.equals("k") || column.equals("v")) {
        selected.add(column);
      } else {
        throw undefinedColumn(column);
      }
    }
    return new Statement.SelectKv(selected, where());
  }

  private Statement insert() throws PgException {
    expect("into");
    table();
    int kColumn = 0;
    if (accept("(")) {
      String first = columnName();
      expect(",");
      String second = columnName();
      expect(")");
      if (first.equals(second)) {
        throw PgException.error("42701", "column \"" + first + "\" specified more than once");
      }
      kColumn = first.equals("k") ? 0 : 1;
    }
    expect("values");
    List<List<Expr>> rows = new ArrayList<>();
    do {
      expect("(");
      Expr first = expr();
      expect(",");
      Expr second = expr();
      expect(")");
      rows.add(List.of(first, second));
    } while (accept(","));
    return new Statement.InsertKv(rows, kColumn);
  }

  private Statement delete() throws PgException {
    expect("from");
    table();
    return new Statement.DeleteKv(where());
  }

  private Statement set() throws PgException {
    accept("session");
    if (peek().is("local") || peek().is("transaction") || peek().is("characteristics") || peek().is("role")) {
      throw notSupported("SET " + next().text.toUpperCase(Locale.ROOT));
    }
    String name;
    if (accept("time")) {
      expect("zone");
      name = "timezone";
    } else {
      name = parameterName();
      if (!accept("to")) {
        expect("=");
      }
    }
    if (accept("default")) {
      return new Statement.SetParameter(name, null);
    }
    StringBuilder value = new StringBuilder();
    do {
      if (value.length() > 0) {
        value.append(", ");
      }
      Token token = next();
      boolean negative = token.is("-");
      if (negative) {
        token = next();
      }
      if (token.kind == Kind.END || token.kind == Kind.SYMBOL || token.kind == Kind.PARAM
          || negative && token.kind != Kind.NUMBER) {
        throw syntaxError(token);
      }
      value.append(negative ? "-" : "").append(token.text);
    } while (accept(","));
    return new Statement.SetParameter(name, value.toString());
  }

  private Statement show() throws PgException {
    if (accept("all")) {
      throw notSupported("SHOW ALL");
    }
    if (accept("transaction")) {
      expect("isolation");
      expect("level");
      return new Statement.ShowParameter("transaction_isolation");
    }
    if (accept("time")) {
      expect("zone");
      return new Statement.ShowParameter("timezone");
    }
    return new Statement.ShowParameter(parameterName());
  }

  /** {@code FROM}'s table, which must be kv. */
  private void table() throws PgException {
    Token table = next();
    if (table.kind != Kind.WORD && table.kind != Kind.NAME) {
      throw syntaxError(table);
    }
    String name = table.text;
    if (accept(".")) {
      Token qualified = next();
      if (!name.equals("public")) {
        throw PgException.error("42P01", "relation \"" + name + "." + qualified.text + "\" does not exist");
      }
      name = qualified.text;
    }
    if (!name.equals("kv")) {
      throw PgException.error("42P01", "relation \"" + name + "\" does not exist");
    }
  }

  /** {@code [WHERE k = expr]}. */
  private Optional<Expr> where() throws PgException {
    if (!accept("where")) {
      return Optional.empty();
    }
    String column = columnName();
    if (!column.equals("k")) {
      throw notSupported("WHERE on a column other than k");
    }
    expect("=");
    return Optional.of(expr());
  }

  private String columnName() throws PgException {
    Token column = next();
    if (column.kind != Kind.WORD && column.kind != Kind.NAME) {
      throw syntaxError(column);
    }
    if (!column.text.equals("k") && !column.text.equals("v")) {
      throw PgException.error("42703", "column \"" + column.text + "\" of relation \"kv\" does not exist");
    }
    return column.text;
  }

  /** A run-time parameter's name, such as {@code extra_float_digits} or {@code myapp.setting}. */
  private String parameterName() throws PgException {
    Token name = next();
    if (name.kind != Kind.WORD && name.kind != Kind.NAME) {
      throw syntaxError(name);
    }
    StringBuilder qualified = new StringBuilder(name.text);
    while (accept(".")) {
      Token part = next();
      if (part.kind != Kind.WORD && part.kind != Kind.NAME) {
        throw syntaxError(part);
      }
      qualified.append('.').append(part.text);
    }
    return qualified.toString();
  }

  /** A literal or a parameter, with an optional {@code ::type} cast; operators are not supported. */
  private Expr expr() throws PgException {
    Token token = next();
    Expr expr;
    if (token.is("(")) {
      // PgJDBC's simple mode sends its parameters inline, each in parentheses: ('it''s'), ('1'::int4)
      expr = expr();
      expect(")");
    } else if (token.is("-") && peek().kind == Kind.NUMBER) {
      expr = number("-" + next().text);
    } else if (token.kind == Kind.NUMBER) {
      expr = number(token.text);
    } else if (token.kind == Kind.STRING) {
      expr = new Literal(PgType.TEXT.oid(), token.text);
    } else if (token.kind == Kind.PARAM) {
      expr = new Param(Integer.parseInt(token.text.substring(1)), 0);
    } else if (token.is("null")) {
      expr = new Literal(PgType.TEXT.oid(), null);
    } else if (token.is("true") || token.is("false")) {
      expr = new Literal(PgType.BOOL.oid(), token.is("true") ? "t" : "f");
    } else if (token.kind == Kind.WORD && peek().is("(")) {
      throw notSupported("function calls such as " + token.text + "()");
    } else {
      throw syntaxError(token);
    }
    if (!token.is("(")) {
      lastCast = null;
    }
    while (accept("::")) {
      Token typeName = next();
      PgType type = PgType.named(typeName.text).orElseThrow(
          () -> PgException.error("42704", "type \"" + typeName.text + "\" does not exist"));
      lastCast = type;
      if (expr instanceof Literal literal) {
        expr = new Literal(type.oid(), literal.text() == null ? null : type.fromText(literal.text()));
      } else if (expr instanceof Param param) {
        expr = new Param(param.number(), type.oid());
      }
    }
    Token after = peek();
    if (after.kind == Kind.SYMBOL && !after.is(",") && !after.is(")")) {
      throw notSupported("operators such as " + after.text);
    }
    return expr;
  }

  /** An integer is int4 if it fits, else int8, else numeric; with a point or an exponent, numeric. */
  private static Literal number(String text) throws PgException {
    if (text.matches("-?[0-9]+")) {
      try {
        return new Literal(PgType.INT4.oid(), Integer.toString(Integer.parseInt(text)));
      } catch (NumberFormatException notInt) {
        try {
          return new Literal(PgType.INT8.oid(), Long.toString(Long.parseLong(text)));
        } catch (NumberFormatException notLong) {
          // numeric, below
        }
      }
    }
    return new Literal(PgType.NUMERIC.oid(), PgType.NUMERIC.fromText(text));
  }

  /** {@code [AS] name}. */
  private Optional<String> alias() throws PgException {
    if (accept("as")) {
      Token name = next();
      if (name.kind != Kind.WORD && name.kind != Kind.NAME) {
        throw syntaxError(name);
      }
      return Optional.of(name.text);
    }
    Token name = peek();
    if (name.kind == Kind.NAME || name.kind == Kind.WORD && !CLAUSES.contains(name.text)) {
      next();
      return Optional.of(name.text);
    }
    return Optional.empty();
  }

  /** PostgreSQL's name of an unnamed column: a cast's type, {@code bool} for true and false, else {@code ?column?}. */
  private String defaultName(Token start) {
    if (lastCast != null) {
      return lastCast.typeName();
    }
    return start.is("true") || start.is("false") ? "bool" : "?column?";
  }

  private static boolean isValueWord(String word) {
    return word.equals("null") || word.equals("true") || word.equals("false");
  }

  // ---- Tokens -------------------------------------------------------------------------------

  private Token peek() {
    return tokens.get(at);
  }

  private Token next() {
    Token token = tokens.get(at);
    if (token.kind != Kind.END) {
      at++;
    }
    return token;
  }

  private boolean accept(String word) {
    if (peek().is(word)) {
      at++;
      return true;
    }
    return false;
  }

  private void expect(String word) throws PgException {
    if (!accept(word)) {
      throw syntaxError(peek());
    }
  }

  private static PgException syntaxError(Token token) {
    return PgException.error("42601", "syntax error at or near " + token.shown());
  }

  private static PgException notSupported(String what) {
    return PgException.error("0A000", what + " is not supported by pg-server");
  }

  private static PgException undefinedColumn(String name) {
    return PgException.error("42703", "column \"" + name + "\" does not exist");
  }

  /** The tokens of {@code sql}, ending with an END token. */
  private static List<Token> tokenize(String sql) throws PgException {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        if (end < 0) {
          throw PgException.error("42601", "unterminated /* comment");
        }
        i = end + 2;
      } else if (c == '\'' || c == '"') {
        StringBuilder text = new StringBuilder();
        int j = i + 1;
        while (true) {
          if (j >= n) {
            throw PgException.error("42601", c == '\'' ? "unterminated quoted string" : "unterminated quoted identifier");
          }
          char d = sql.charAt(j);
          if (d == c) {
            if (j + 1 < n && sql.charAt(j + 1) == c) {
              text.append(c);
              j += 2;
              continue;
            }
            break;
          }
          text.append(d);
          j++;
        }
        tokens.add(new Token(c == '\'' ? Kind.STRING : Kind.NAME, text.toString(), sql.substring(i, j + 1)));
        i = j + 1;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_' || sql.charAt(j) == '$')) {
          j++;
        }
        tokens.add(new Token(Kind.WORD, sql.substring(i, j).toLowerCase(Locale.ROOT), sql.substring(i, j)));
        i = j;
      } else if (Character.isDigit(c) || c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
        int j = i;
        while (j < n && (Character.isDigit(sql.charAt(j)) || sql.charAt(j) == '.')) {
          j++;
        }
        if (j < n && (sql.charAt(j) == 'e' || sql.charAt(j) == 'E')) {
          int k = j + 1;
          if (k < n && (sql.charAt(k) == '+' || sql.charAt(k) == '-')) {
            k++;
          }
          if (k < n && Character.isDigit(sql.charAt(k))) {
            j = k;
            while (j < n && Character.isDigit(sql.charAt(j))) {
              j++;
            }
          }
        }
        tokens.add(new Token(Kind.NUMBER, sql.substring(i, j)));
        i = j;
      } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
        int j = i + 1;
        while (j < n && Character.isDigit(sql.charAt(j))) {
          j++;
        }
        if (j - i > 6) {
          throw PgException.error("42601", "parameter number too large at or near \"" + sql.substring(i, j) + "\"");
        }
        tokens.add(new Token(Kind.PARAM, sql.substring(i, j)));
        i = j;
      } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
        tokens.add(new Token(Kind.SYMBOL, "::"));
        i += 2;
      } else if ("+-*/<>=~!@#%^&|`?".indexOf(c) >= 0) {
        int j = i + 1;
        // PostgreSQL reads a run of operator characters as one operator, but '-' or '+' that
        // start a number after another operator ('=-1') are the number's.
        while (j < n && "+-*/<>=~!@#%^&|`?".indexOf(sql.charAt(j)) >= 0 && sql.charAt(j) != '-'
            && sql.charAt(j) != '+') {
          j++;
        }
        tokens.add(new Token(Kind.SYMBOL, sql.substring(i, j)));
        i = j;
      } else if (",()[];.:".indexOf(c) >= 0) {
        tokens.add(new Token(Kind.SYMBOL, String.valueOf(c)));
        i++;
      } else {
        throw PgException.error("42601", "syntax error at or near \"" + c + "\"");
      }
    }
    tokens.add(END);
    return tokens;
  }
}

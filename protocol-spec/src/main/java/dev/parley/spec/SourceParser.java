package dev.parley.spec;

import dev.parley.spec.grammar.ParleyLexer;
import dev.parley.spec.grammar.ParleyParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Turns the text of one file into a parse tree, reporting every lexical and syntax error through
 * the {@link Reporter} in Parley's words ("expected ';', found 'message'") instead of ANTLR's
 * console listener. ANTLR's 0-based columns become 1-based here, and only here.
 */
final class SourceParser {

  /** Past this many errors in one file the rest of it is not read: the first ones tell the story. */
  static final int MAX_ERRORS_PER_FILE = 100;

  /** Types nest through {@code list<...>}; deeper than this is refused before parsing. */
  static final int MAX_NESTING = 64;

  /** The parse tree of a file with no syntax error, and its tokens (for doc comments). */
  record Parsed(ParleyParser.SchemaFileContext tree, CommonTokenStream tokens, boolean clean) {}

  private final SourceText source;
  private final Reporter reporter;
  private final java.util.Set<Integer> linesWithLexicalErrors = new java.util.HashSet<>();
  private int errors;
  private SourceLocation lastError;

  private SourceParser(SourceText source, Reporter reporter) {
    this.source = source;
    this.reporter = reporter;
  }

  /** Parses {@code source}; the result is {@link Parsed#clean()} when no error was reported. */
  static Optional<Parsed> parse(SourceText source, Reporter reporter) {
    return new SourceParser(source, reporter).parse();
  }

  private Optional<Parsed> parse() {
    Lexer lexer = new Lexer(this, CharStreams.fromString(source.text(), source.file()));
    lexer.removeErrorListeners();
    CommonTokenStream tokens = new CommonTokenStream(lexer);
    try {
      tokens.fill();
      if (!nestingWithinLimit(tokens.getTokens())) {
        return Optional.empty();
      }
      ParleyParser parser = new ParleyParser(tokens);
      parser.removeErrorListeners();
      parser.addErrorListener(new Listener());
      parser.setErrorHandler(new Strategy());
      ParleyParser.SchemaFileContext tree = parser.schemaFile();
      return Optional.of(new Parsed(tree, tokens, errors == 0));
    } catch (TooManyErrors e) {
      // Placed at the last error, so that it sorts after the errors it speaks of.
      reporter.error(lastError,
          "too many errors; stopped reading this file after " + MAX_ERRORS_PER_FILE + " errors");
      return Optional.empty();
    } catch (StackOverflowError e) {
      // The nesting limit above should make this unreachable; keep the promise of no stack trace.
      reporter.error(SourceLocation.ofFile(source.file()), "schema is nested too deeply to read");
      return Optional.empty();
    }
  }

  private boolean nestingWithinLimit(List<Token> tokens) {
    int depth = 0;
    for (Token token : tokens) {
      switch (token.getType()) {
        case ParleyLexer.LT -> {
          if (++depth > MAX_NESTING) {
            error(token, "types are nested more than " + MAX_NESTING + " deep");
            return false;
          }
        }
        case ParleyLexer.GT -> depth = Math.max(0, depth - 1);
        case ParleyLexer.SEMI, ParleyLexer.LBRACE, ParleyLexer.RBRACE -> depth = 0;
        default -> { }
      }
    }
    return true;
  }

  private void error(Token token, String message) {
    error(token.getLine(), token.getCharPositionInLine(), message);
  }

  private void lexicalError(Token token, String message) {
    linesWithLexicalErrors.add(token.getLine());
    error(token, message);
  }

  private void error(int line, int zeroBasedColumn, String message) {
    lastError = new SourceLocation(source.file(), line, zeroBasedColumn + 1);
    reporter.error(lastError, message);
    if (++errors >= MAX_ERRORS_PER_FILE) {
      throw new TooManyErrors();
    }
  }

  /** Reports the lexer's error tokens and hides them from the parser, so errors do not cascade. */
  private static final class Lexer extends ParleyLexer {
    private final SourceParser owner;

    Lexer(SourceParser owner, org.antlr.v4.runtime.CharStream input) {
      super(input);
      this.owner = owner;
    }

    @Override
    public Token nextToken() {
      while (true) {
        Token token = super.nextToken();
        switch (token.getType()) {
          case ERROR_CHAR -> owner.lexicalError(token, "unexpected character " + describeChar(token.getText()));
          case UNTERMINATED_COMMENT -> owner.lexicalError(token, "unterminated comment: '/*' has no '*/'");
          case UNTERMINATED_STRING -> {
            owner.lexicalError(token, "unterminated string: '\"' has no closing '\"' on its line");
            ((CommonToken) token).setType(STRING_LITERAL);
            return token;
          }
          default -> {
            return token;
          }
        }
      }
    }

    private static String describeChar(String text) {
      int c = text.codePointAt(0);
      String code = String.format(Locale.ROOT, "U+%04X", c);
      int type = Character.getType(c);
      boolean invisible = Character.isISOControl(c) || Character.isWhitespace(c)
          || type == Character.SPACE_SEPARATOR || type == Character.FORMAT
          || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
          || type == Character.SURROGATE;
      return invisible
          ? code
          : "'" + text + "' (" + code + ")";
    }
  }

  private final class Listener extends BaseErrorListener {
    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line,
        int charPositionInLine, String msg, RecognitionException e) {
      // A bad character or an unterminated string already explains what follows on its line.
      if (!linesWithLexicalErrors.contains(line)) {
        error(line, charPositionInLine, msg);
      }
    }
  }

  /** ANTLR's recovery, with messages that say what was expected and what was found. */
  private static final class Strategy extends DefaultErrorStrategy {

    @Override
    protected void reportNoViableAlternative(Parser parser, NoViableAltException e) {
      reportExpected(parser, e.getExpectedTokens(), e.getOffendingToken());
    }

    @Override
    protected void reportInputMismatch(Parser parser, InputMismatchException e) {
      reportExpected(parser, e.getExpectedTokens(), e.getOffendingToken());
    }

    /**
     * When the unexpected token starts a later line than the token before it, what is missing
     * belongs to the earlier line: like javac, point just past that token ("expected ';'").
     */
    private static void reportExpected(Parser parser, IntervalSet expected, Token found) {
      Token previous = previousToken(parser, found);
      if (previous != null && found.getType() != Token.EOF
          && found.getLine() > lastLineOf(previous)) {
        reportAfter(parser, previous, "expected " + describe(expected, parser));
      } else {
        report(parser, found, expectedMessage(parser, expected, found));
      }
    }

    private static Token previousToken(Parser parser, Token token) {
      for (int i = token.getTokenIndex() - 1; i >= 0; i--) {
        Token t = parser.getTokenStream().get(i);
        if (t.getChannel() == Token.DEFAULT_CHANNEL) {
          return t;
        }
      }
      return null;
    }

    private static int lastLineOf(Token token) {
      return token.getLine() + (int) token.getText().chars().filter(c -> c == '\n').count();
    }

    private static void reportAfter(Parser parser, Token previous, String message) {
      String text = previous.getText();
      int column = previous.getCharPositionInLine() + text.codePointCount(0, text.length());
      reportAt(parser, previous.getLine(), column, message);
    }

    @Override
    protected void reportUnwantedToken(Parser parser) {
      if (inErrorRecoveryMode(parser)) {
        return;
      }
      beginErrorCondition(parser);
      Token token = parser.getCurrentToken();
      report(parser, token, expectedMessage(parser, getExpectedTokens(parser), token));
    }

    @Override
    protected void reportMissingToken(Parser parser) {
      if (inErrorRecoveryMode(parser)) {
        return;
      }
      beginErrorCondition(parser);
      Token current = parser.getCurrentToken();
      Token previous = parser.getTokenStream().LT(-1);
      String expected = "expected " + describe(getExpectedTokens(parser), parser);
      if (previous != null && previous.getType() != Token.EOF && !previous.getText().contains("\n")) {
        // Like javac: point just past the token after which something is missing.
        reportAfter(parser, previous, expected);
      } else {
        report(parser, current, expected + ", found " + describe(current));
      }
    }

    @Override
    protected void reportFailedPredicate(Parser parser, org.antlr.v4.runtime.FailedPredicateException e) {
      report(parser, e.getOffendingToken(), "unexpected " + describe(e.getOffendingToken()));
    }

    private static void report(Parser parser, Token token, String message) {
      parser.notifyErrorListeners(token, message, null);
    }

    private static void reportAt(Parser parser, int line, int column, String message) {
      parser.getErrorListenerDispatch().syntaxError(parser, null, line, column, message, null);
    }

    private static String expectedMessage(Parser parser, IntervalSet expected, Token found) {
      return "expected " + describe(expected, parser) + ", found " + describe(found);
    }
  }

  static String describe(Token token) {
    if (token == null || token.getType() == Token.EOF) {
      return "end of file";
    }
    String text = token.getText();
    if (text.length() > 24) {
      text = text.substring(0, 21) + "...";
    }
    return "'" + text + "'";
  }

  static String describe(IntervalSet expected, Parser parser) {
    List<Integer> types = expected.toList();
    List<String> names = new ArrayList<>();
    boolean name = types.contains(ParleyLexer.ID);
    int statementKeywords = 0;
    for (int type : types) {
      if (type >= ParleyLexer.PACKAGE && type <= ParleyLexer.FRAME) {
        statementKeywords++;
      }
    }
    if (!name && statementKeywords >= 6) {
      names.add("a declaration (package, import, option, const, enum, flags, struct, message or frame)");
      if (types.contains(Token.EOF)) {
        names.add("end of file");
      }
      if (types.contains(ParleyLexer.RBRACE)) {
        names.add("'}'");
      }
      return join(names);
    }
    for (int type : types) {
      boolean keywordAsName = type >= ParleyLexer.PACKAGE && type <= ParleyLexer.LIST;
      if (name && keywordAsName) {
        continue; // Keywords are names too: "a name" already covers them.
      }
      names.add(switch (type) {
        case Token.EOF -> "end of file";
        case ParleyLexer.ID -> "a name";
        case ParleyLexer.INT -> "an integer";
        case ParleyLexer.FLOAT -> "a number";
        case ParleyLexer.STRING_LITERAL -> "a string";
        case ParleyLexer.CHAR_LITERAL -> "a character literal";
        default -> parser.getVocabulary().getLiteralName(type) != null
            ? parser.getVocabulary().getLiteralName(type)
            : parser.getVocabulary().getDisplayName(type);
      });
    }
    return join(names);
  }

  private static String join(List<String> names) {
    if (names.isEmpty()) {
      return "nothing";
    }
    if (names.size() == 1) {
      return names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
  }

  private static final class TooManyErrors extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooManyErrors() {
      super(null, null, false, false);
    }
  }
}

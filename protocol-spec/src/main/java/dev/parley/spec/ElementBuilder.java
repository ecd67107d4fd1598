package dev.parley.spec;

import com.google.common.collect.ImmutableList;
import dev.parley.spec.Element.AnnotationElement;
import dev.parley.spec.Element.BoolLiteral;
import dev.parley.spec.Element.BytesTypeElement;
import dev.parley.spec.Element.ConstElement;
import dev.parley.spec.Element.DeclarationElement;
import dev.parley.spec.Element.EmptyListLiteral;
import dev.parley.spec.Element.EnumElement;
import dev.parley.spec.Element.FieldElement;
import dev.parley.spec.Element.FileElement;
import dev.parley.spec.Element.FixedBytesTypeElement;
import dev.parley.spec.Element.FlagsElement;
import dev.parley.spec.Element.FloatLiteral;
import dev.parley.spec.Element.FrameElement;
import dev.parley.spec.Element.FrameFieldElement;
import dev.parley.spec.Element.ImportElement;
import dev.parley.spec.Element.IntegerLiteral;
import dev.parley.spec.Element.ListTypeElement;
import dev.parley.spec.Element.MemberElement;
import dev.parley.spec.Element.MessageElement;
import dev.parley.spec.Element.NameLiteral;
import dev.parley.spec.Element.NamedTypeElement;
import dev.parley.spec.Element.NullableTypeElement;
import dev.parley.spec.Element.SizeElement;
import dev.parley.spec.Element.OptionElement;
import dev.parley.spec.Element.SetLiteral;
import dev.parley.spec.Element.StringLiteral;
import dev.parley.spec.Element.StringTypeElement;
import dev.parley.spec.Element.StructElement;
import dev.parley.spec.Element.BitsElement;
import dev.parley.spec.Element.BitsMemberElement;
import dev.parley.spec.Element.UnionElement;
import dev.parley.spec.Element.ExternElement;
import dev.parley.spec.Element.UnionCaseElement;
import dev.parley.spec.Element.TypeElement;
import dev.parley.spec.Element.ValueElement;
import dev.parley.spec.Element.Word;
import dev.parley.spec.grammar.ParleyParser;
import dev.parley.spec.grammar.ParleyParser.IdentifierContext;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Builds the {@link FileElement} of a parse tree that has no syntax error: a record of what the
 * file says, with a location on everything. It resolves nothing and checks only what is lexical
 * (string escapes, number forms); the {@link Linker} does the rest.
 */
final class ElementBuilder {

  /** The token channel the grammar sends block comments to. */
  private static final int COMMENT_CHANNEL = 2;

  private final String file;
  private final CommonTokenStream tokens;
  private final Reporter reporter;

  private ElementBuilder(String file, CommonTokenStream tokens, Reporter reporter) {
    this.file = file;
    this.tokens = tokens;
    this.reporter = reporter;
  }

  static FileElement build(Path path, String file, SourceParser.Parsed parsed, Reporter reporter) {
    return new ElementBuilder(file, parsed.tokens(), reporter).file(path, parsed.tree());
  }

  /**
   * The imports a file names, read even from a tree with syntax errors, so that every file of a
   * load is found and all their errors are reported together.
   */
  static ImmutableList<ImportElement> imports(String file, ParleyParser.SchemaFileContext tree,
      Reporter reporter) {
    ElementBuilder builder = new ElementBuilder(file, null, reporter);
    ImmutableList.Builder<ImportElement> imports = ImmutableList.builder();
    for (ParleyParser.StatementContext statement : tree.statement()) {
      ParleyParser.ImportDeclContext importDecl = statement.importDecl();
      if (importDecl != null && importDecl.STRING_LITERAL() != null
          && importDecl.STRING_LITERAL().getSymbol().getTokenIndex() >= 0) {
        imports.add(new ImportElement(
            builder.string(importDecl.STRING_LITERAL().getSymbol()),
            builder.location(importDecl.STRING_LITERAL().getSymbol())));
      }
    }
    return imports.build();
  }

  private FileElement file(Path path, ParleyParser.SchemaFileContext tree) {
    ImmutableList.Builder<Word> packages = ImmutableList.builder();
    ImmutableList.Builder<ImportElement> imports = ImmutableList.builder();
    ImmutableList.Builder<OptionElement> options = ImmutableList.builder();
    ImmutableList.Builder<DeclarationElement> declarations = ImmutableList.builder();
    ImmutableList.Builder<FrameElement> frames = ImmutableList.builder();
    for (ParleyParser.StatementContext statement : tree.statement()) {
      if (statement.packageDecl() != null) {
        ParleyParser.QualifiedNameContext name = statement.packageDecl().qualifiedName();
        packages.add(new Word(name.getText(), location(name.getStart())));
      } else if (statement.importDecl() != null) {
        Token path1 = statement.importDecl().STRING_LITERAL().getSymbol();
        imports.add(new ImportElement(string(path1), location(path1)));
      } else if (statement.optionDecl() != null) {
        ParleyParser.OptionDeclContext option = statement.optionDecl();
        options.add(new OptionElement(word(option.identifier()), value(option.value()),
            location(option.getStart())));
      } else if (statement.constDecl() != null) {
        declarations.add(constant(statement.constDecl()));
      } else if (statement.enumDecl() != null) {
        declarations.add(enumeration(statement.enumDecl()));
      } else if (statement.flagsDecl() != null) {
        declarations.add(flags(statement.flagsDecl()));
      } else if (statement.structDecl() != null) {
        declarations.add(struct(statement.structDecl()));
      } else if (statement.bitsDecl() != null) {
        declarations.add(bits(statement.bitsDecl()));
      } else if (statement.unionDecl() != null) {
        declarations.add(union(statement.unionDecl()));
      } else if (statement.externDecl() != null) {
        ParleyParser.ExternDeclContext extern = statement.externDecl();
        Word name = word(extern.identifier());
        ImmutableList<OptionElement> entries = extern.externEntry().stream()
            .map(e -> new OptionElement(word(e.identifier()), value(e.value()), location(e.getStart())))
            .collect(ImmutableList.toImmutableList());
        declarations.add(new ExternElement(name, entries, doc(extern), name.location()));
      } else if (statement.messageDecl() != null) {
        declarations.add(message(statement.messageDecl()));
      } else if (statement.frameDecl() != null) {
        frames.add(frame(statement.frameDecl()));
      }
    }
    return new FileElement(path, packages.build(), imports.build(), options.build(),
        declarations.build(), frames.build(), new SourceLocation(file, 1, 1));
  }

  private ConstElement constant(ParleyParser.ConstDeclContext ctx) {
    Word name = word(ctx.identifier());
    return new ConstElement(name, type(ctx.type()), value(ctx.value()), doc(ctx), name.location());
  }

  private EnumElement enumeration(ParleyParser.EnumDeclContext ctx) {
    Word name = word(ctx.identifier(0));
    Optional<Word> underlying = ctx.identifier().size() > 1
        ? Optional.of(word(ctx.identifier(1))) : Optional.empty();
    ImmutableList<MemberElement> constants = ctx.enumConstant().stream()
        .map(c -> member(c, c.identifier(), c.integer()))
        .collect(ImmutableList.toImmutableList());
    return new EnumElement(name, underlying, constants, doc(ctx), name.location());
  }

  private FlagsElement flags(ParleyParser.FlagsDeclContext ctx) {
    Word name = word(ctx.identifier(0));
    Optional<Word> underlying = ctx.identifier().size() > 1
        ? Optional.of(word(ctx.identifier(1))) : Optional.empty();
    ImmutableList<MemberElement> bits = ctx.flagBit().stream()
        .map(b -> member(b, b.identifier(), b.integer()))
        .collect(ImmutableList.toImmutableList());
    return new FlagsElement(name, underlying, bits, doc(ctx), name.location());
  }

  private MemberElement member(ParserRuleContext ctx, IdentifierContext id,
      ParleyParser.IntegerContext value) {
    Word name = word(id);
    return new MemberElement(name, integer(value), doc(ctx), name.location());
  }

  private BitsElement bits(ParleyParser.BitsDeclContext ctx) {
    Word name = word(ctx.identifier(0));
    Word underlying = word(ctx.identifier(1));
    Optional<Word> order = ctx.identifier().size() > 2 ? Optional.of(word(ctx.identifier(2))) : Optional.empty();
    ImmutableList<BitsMemberElement> members = ctx.bitsMember().stream()
        .map(m -> {
          Word member = word(m.identifier());
          return new BitsMemberElement(
              new Word(m.qualifiedName().getText(), location(m.qualifiedName().getStart())), member,
              m.integer() == null ? Optional.empty() : Optional.of(integer(m.integer())), doc(m),
              member.location());
        })
        .collect(ImmutableList.toImmutableList());
    return new BitsElement(name, underlying, order, members, doc(ctx), name.location());
  }

  private UnionElement union(ParleyParser.UnionDeclContext ctx) {
    Word name = word(ctx.identifier());
    Word selector = new Word(ctx.qualifiedName().getText(), location(ctx.qualifiedName().getStart()));
    ImmutableList<UnionCaseElement> cases = ctx.unionCase().stream()
        .map(c -> new UnionCaseElement(value(c.value()), type(c.type()), doc(c), location(c.getStart())))
        .collect(ImmutableList.toImmutableList());
    return new UnionElement(name, selector, cases, doc(ctx), name.location());
  }

  private StructElement struct(ParleyParser.StructDeclContext ctx) {
    Word name = word(ctx.identifier());
    return new StructElement(name, fields(ctx.field()), doc(ctx), name.location());
  }

  private MessageElement message(ParleyParser.MessageDeclContext ctx) {
    Word name = word(ctx.identifier());
    Optional<IntegerLiteral> id = ctx.integer() == null ? Optional.empty() : Optional.of(integer(ctx.integer()));
    return new MessageElement(name, id, fields(ctx.field()), doc(ctx), name.location());
  }

  private FrameElement frame(ParleyParser.FrameDeclContext ctx) {
    ImmutableList<FrameFieldElement> fields = ctx.frameField().stream()
        .map(f -> new FrameFieldElement(
            f.frameWord().stream().map(w -> w.integer() == null ? word(w.identifier())
                    : new Word(w.getText(), location(w.getStart())))
                .collect(ImmutableList.toImmutableList()),
            f.integer() == null ? Optional.empty() : Optional.of(integer(f.integer())),
            doc(f), location(f.getStart())))
        .collect(ImmutableList.toImmutableList());
    return new FrameElement(fields, doc(ctx), location(ctx.getStart()));
  }

  private ImmutableList<FieldElement> fields(List<ParleyParser.FieldContext> fields) {
    ImmutableList.Builder<FieldElement> out = ImmutableList.builder();
    for (ParleyParser.FieldContext ctx : fields) {
      Word name = word(ctx.identifier());
      ImmutableList<AnnotationElement> annotations = ctx.annotation().stream()
          .map(a -> new AnnotationElement(word(a.identifier()),
              a.integer() == null ? Optional.empty() : Optional.of(integer(a.integer())),
              location(a.getStart())))
          .collect(ImmutableList.toImmutableList());
      Optional<ValueElement> defaultValue =
          ctx.value() == null ? Optional.empty() : Optional.of(value(ctx.value()));
      out.add(new FieldElement(name, type(ctx.type()), ctx.OPTIONAL() != null, annotations,
          defaultValue, doc(ctx), name.location()));
    }
    return out.build();
  }

  private TypeElement type(ParleyParser.TypeContext ctx) {
    SourceLocation at = location(ctx.getStart());
    if (ctx instanceof ParleyParser.StringTypeContext string) {
      emptySize(string.LT(), string.size(), string.GT());
      return new StringTypeElement(size(string.size()), at);
    } else if (ctx instanceof ParleyParser.BytesTypeContext bytes) {
      emptySize(bytes.LT(), bytes.size(), bytes.GT());
      return new BytesTypeElement(size(bytes.size()), at);
    } else if (ctx instanceof ParleyParser.FixedBytesTypeContext fixed) {
      return new FixedBytesTypeElement(integer(fixed.integer()), at);
    } else if (ctx instanceof ParleyParser.ListTypeContext list) {
      return new ListTypeElement(type(list.type()), size(list.size()), at);
    } else if (ctx instanceof ParleyParser.NullableTypeContext nullable) {
      return new NullableTypeElement(type(nullable.type()), at);
    } else {
      ParleyParser.NamedTypeContext named = (ParleyParser.NamedTypeContext) ctx;
      ImmutableList<SizeElement> arguments = named.size().stream().map(a -> size(a).orElseThrow())
          .collect(ImmutableList.toImmutableList());
      return new NamedTypeElement(named.qualifiedName().getText(), arguments, at);
    }
  }

  /** Reports {@code <>}: angle brackets with nothing between them. */
  private void emptySize(org.antlr.v4.runtime.tree.TerminalNode lt, ParleyParser.SizeContext size,
      org.antlr.v4.runtime.tree.TerminalNode gt) {
    if (lt != null && size == null && gt != null) {
      reporter.error(location(gt.getSymbol()), "expected a size between '<' and '>': a width such as u8,"
          + " nul, rest, or the name of an earlier field");
    }
  }

  private Optional<SizeElement> size(ParleyParser.SizeContext ctx) {
    if (ctx == null) {
      return Optional.empty();
    }
    if (ctx.UNTIL() != null) {
      Word word = new Word("until", location(ctx.UNTIL().getSymbol()));
      return Optional.of(new SizeElement(word, Optional.of(value(ctx.value())), word.location()));
    }
    if (ctx.identifier() == null) {
      IntegerLiteral integer = integer(ctx.integer());
      Word word = new Word(ctx.integer().getText(), integer.location());
      return Optional.of(new SizeElement(word, Optional.of(integer), word.location()));
    }
    Word word = word(ctx.identifier());
    Optional<IntegerLiteral> argument = ctx.integer() == null ? Optional.empty() : Optional.of(integer(ctx.integer()));
    return Optional.of(new SizeElement(word, Optional.empty(), argument, word.location()));
  }

  private ValueElement value(ParleyParser.ValueContext ctx) {
    SourceLocation at = location(ctx.getStart());
    if (ctx instanceof ParleyParser.IntegerValueContext integer) {
      return integer(integer.integer());
    } else if (ctx instanceof ParleyParser.FloatValueContext number) {
      return floatLiteral(number, at);
    } else if (ctx instanceof ParleyParser.BoolValueContext bool) {
      return new BoolLiteral(bool.TRUE() != null, at);
    } else if (ctx instanceof ParleyParser.StringValueContext string) {
      return new StringLiteral(string(string.STRING_LITERAL().getSymbol()), at);
    } else if (ctx instanceof ParleyParser.NameValueContext name) {
      return new NameLiteral(name.qualifiedName().getText(), at);
    } else if (ctx instanceof ParleyParser.SetValueContext set) {
      return new SetLiteral(set.identifier().stream().map(this::word)
          .collect(ImmutableList.toImmutableList()), at);
    } else {
      return new EmptyListLiteral(at);
    }
  }

  private FloatLiteral floatLiteral(ParleyParser.FloatValueContext ctx, SourceLocation at) {
    double value = Double.parseDouble(ctx.FLOAT().getText());
    if (Double.isInfinite(value)) {
      reporter.error(location(ctx.FLOAT().getSymbol()),
          "number " + ctx.FLOAT().getText() + " is too large for f64");
    }
    return new FloatLiteral(ctx.MINUS() != null ? -value : value, at);
  }

  private IntegerLiteral integer(ParleyParser.IntegerContext ctx) {
    if (ctx.CHAR_LITERAL() != null) {
      return character(ctx.CHAR_LITERAL().getSymbol());
    }
    String text = ctx.INT().getText();
    BigInteger value = text.startsWith("0x") || text.startsWith("0X")
        ? new BigInteger(text.substring(2), 16)
        : new BigInteger(text);
    return new IntegerLiteral(ctx.MINUS() != null ? value.negate() : value, location(ctx.getStart()));
  }

  /** The 8-bit value of a character literal: an ASCII character, an escape, or {@code \\xHH}. */
  private IntegerLiteral character(Token token) {
    String text = token.getText();
    String inner = text.substring(1, text.length() - 1);
    SourceLocation at = location(token);
    int value;
    if (inner.startsWith("\\x") && inner.length() == 4) {
      value = Integer.parseInt(inner.substring(2), 16);
    } else if (inner.equals("\\x")) {
      reporter.error(at, "escape \\x needs two hex digits, as in '\\x80'");
      value = 0;
    } else if (inner.startsWith("\\")) {
      value = switch (inner.charAt(1)) {
        case 'n' -> '\n';
        case 't' -> '\t';
        case 'r' -> '\r';
        case '0' -> 0;
        case '\\', '\'', '"' -> inner.charAt(1);
        default -> {
          reporter.error(at, String.format(Locale.ROOT,
              "unknown escape '\\%c' in a character literal (known: \\n \\t \\r \\0 \\\\ \\' \\\" \\xHH)",
              inner.charAt(1)));
          yield 0;
        }
      };
    } else {
      value = inner.codePointAt(0);
      if (value > 0x7F) {
        reporter.error(at, "character literal " + text + " is not ASCII: a character literal is one"
            + " byte; write a byte above 0x7F as '\\xHH'");
        value = 0;
      }
    }
    return new IntegerLiteral(BigInteger.valueOf(value), at, true);
  }


  private Word word(IdentifierContext id) {
    return new Word(id.getText(), location(id.getStart()));
  }

  private SourceLocation location(Token token) {
    return new SourceLocation(file, token.getLine(), token.getCharPositionInLine() + 1);
  }

  /** The value of a string literal token, escapes resolved; a bad escape is reported. */
  private String string(Token token) {
    String text = token.getText();
    int end = text.length() > 1 && text.endsWith("\"") ? text.length() - 1 : text.length();
    StringBuilder out = new StringBuilder(end);
    for (int i = 1; i < end; i++) {
      char c = text.charAt(i);
      if (c != '\\' || i + 1 >= end) {
        out.append(c);
        continue;
      }
      char escaped = text.charAt(++i);
      switch (escaped) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case '0' -> out.append('\0');
        case '\\', '"', '\'' -> out.append(escaped);
        case 'u' -> {
          String hex = i + 4 < end ? text.substring(i + 1, i + 5) : "";
          if (hex.matches("[0-9a-fA-F]{4}")) {
            out.append((char) Integer.parseInt(hex, 16));
            i += 4;
          } else {
            reporter.error(columnOf(token, i - 1), "escape \\u needs four hex digits");
          }
        }
        default -> reporter.error(columnOf(token, i - 1), String.format(Locale.ROOT,
            "unknown escape '\\%c' (known: \\n \\t \\r \\0 \\\\ \\\" \\' \\uXXXX)", escaped));
      }
    }
    return out.toString();
  }

  private SourceLocation columnOf(Token token, int charIndex) {
    int codePoints = token.getText().codePointCount(0, charIndex);
    return new SourceLocation(file, token.getLine(), token.getCharPositionInLine() + 1 + codePoints);
  }

  /** The doc comment written just before {@code ctx}, if any, without its markers. */
  private Optional<String> doc(ParserRuleContext ctx) {
    List<Token> hidden = tokens.getHiddenTokensToLeft(ctx.getStart().getTokenIndex(), COMMENT_CHANNEL);
    if (hidden == null) {
      return Optional.empty();
    }
    for (int i = hidden.size() - 1; i >= 0; i--) {
      String text = hidden.get(i).getText();
      if (text.startsWith("/**") && !text.equals("/**/")) {
        return Optional.of(docText(text));
      }
    }
    return Optional.empty();
  }

  static String docText(String comment) {
    String body = comment.substring(3, comment.length() - 2);
    StringBuilder out = new StringBuilder();
    for (String line : body.split("\r\n|\r|\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("*")) {
        trimmed = trimmed.substring(1).strip();
      }
      if (out.length() > 0 || !trimmed.isEmpty()) {
        out.append(trimmed).append('\n');
      }
    }
    return out.toString().strip();
  }
}

/*
 * The .parley schema language. protocol-spec/SPEC.md is the normative reference;
 * each parser rule below is named after the construct SPEC.md describes.
 *
 * Statements may come in any order. The grammar is deliberately lenient where a
 * precise message helps more than a syntax error: the names of widths, options
 * and annotations, and the presence of exactly one package declaration, are
 * checked by the linker (dev.parley.spec.Linker), which says what it expected.
 * No logic lives here; dev.parley.spec.ElementBuilder builds the model.
 */
grammar Parley;

// ---- Files ----------------------------------------------------------------

schemaFile
    : statement* EOF
    ;

statement
    : packageDecl
    | importDecl
    | optionDecl
    | constDecl
    | enumDecl
    | flagsDecl
    | structDecl
    | messageDecl
    | frameDecl
    | bitsDecl
    | unionDecl
    | externDecl
    ;

packageDecl
    : PACKAGE qualifiedName SEMI
    ;

importDecl
    : IMPORT STRING_LITERAL SEMI
    ;

optionDecl
    : OPTION identifier EQ value SEMI
    ;

// ---- Declarations ---------------------------------------------------------

constDecl
    : CONST type identifier EQ value SEMI
    ;

enumDecl
    : ENUM identifier (COLON identifier)? LBRACE enumConstant* RBRACE
    ;

enumConstant
    : identifier EQ integer SEMI
    ;

flagsDecl
    : FLAGS identifier (COLON identifier)? LBRACE flagBit* RBRACE
    ;

flagBit
    : identifier EQ integer SEMI
    ;

structDecl
    : STRUCT identifier LBRACE field* RBRACE
    ;

// Bit fields packed into one integer, most significant bit first unless the
// word after the underlying type says lsb_first: bool, uN or an enum with ": N".
bitsDecl
    : BITS identifier COLON identifier identifier? LBRACE bitsMember* RBRACE
    ;

bitsMember
    : qualifiedName identifier (COLON integer)? SEMI
    ;

// A part whose layout an earlier field chooses: VALUE = Struct; or default = bytes;
unionDecl
    : UNION identifier COLON qualifiedName LBRACE unionCase* RBRACE
    ;

unionCase
    : value EQ type SEMI
    ;

// A type whose codec is a Java class the user writes: java_type = "..."; codec = "...";
externDecl
    : EXTERN identifier LBRACE externEntry* RBRACE
    ;

externEntry
    : identifier EQ value SEMI
    ;

// The id is left out only in a file whose frame has no type id.
messageDecl
    : MESSAGE identifier (EQ integer)? LBRACE field* RBRACE
    ;

// The frame header of an existing protocol, its fields in wire order. A field
// is words, then an optional value: [role] type [byte order] name [counts
// what]. The linker reads the words and says what it expected.
frameDecl
    : FRAME LBRACE frameField* RBRACE
    ;

frameField
    : frameWord+ (EQ integer)? SEMI
    ;

// A word of a header field; a varint length is written varint<4>.
frameWord
    : identifier (LT integer GT)?
    ;

field
    : annotation* OPTIONAL? type identifier (EQ value)? SEMI
    ;

annotation
    : AT identifier (LPAREN integer RPAREN)?
    ;

// ---- Types ----------------------------------------------------------------

type
    : STRING (LT size? GT)?                        # stringType
    | BYTES LBRACK integer RBRACK                  # fixedBytesType
    | BYTES (LT size? GT)?                         # bytesType
    | LIST LT type (COMMA size)? GT                # listType
    | NULLABLE type                                # nullableType
    | qualifiedName (LT size (COMMA size)? GT)?    # namedType
    ;

// Where variable-size data ends: a prefix width (u8, i32), nul, rest, the name
// of an earlier field, a varint prefix (varint<4>), or "until" and the value
// that ends a list. After a named type, the words it takes: a struct's size
// field, a union's selector and size fields, a varint's most bytes (varint<4>),
// a checksum's span (crc32<body>).
size
    : UNTIL value
    | identifier (LT integer GT)?
    | integer
    ;

// ---- Values ---------------------------------------------------------------

value
    : integer                                      # integerValue
    | MINUS? FLOAT                                 # floatValue
    | (TRUE | FALSE)                               # boolValue
    | STRING_LITERAL                               # stringValue
    | qualifiedName                                # nameValue
    | LBRACE (identifier (COMMA identifier)* COMMA?)? RBRACE   # setValue
    | LBRACK RBRACK                                # emptyListValue
    ;

// A character literal is an 8-bit value: 'Q' is 81.
integer
    : MINUS? INT
    | CHAR_LITERAL
    ;

qualifiedName
    : identifier (DOT identifier)*
    ;

// Keywords are reserved only where they start a construct: they remain valid
// names for fields, constants, enum constants and packages.
identifier
    : ID
    | PACKAGE | IMPORT | OPTION | CONST | ENUM | FLAGS | STRUCT | MESSAGE | FRAME
    | OPTIONAL | NULLABLE | STRING | BYTES | LIST | UNTIL | BITS | UNION | EXTERN
    ;

// ---- Lexer ----------------------------------------------------------------

PACKAGE  : 'package';
IMPORT   : 'import';
OPTION   : 'option';
CONST    : 'const';
ENUM     : 'enum';
FLAGS    : 'flags';
STRUCT   : 'struct';
MESSAGE  : 'message';
FRAME    : 'frame';
OPTIONAL : 'optional';
NULLABLE : 'nullable';
UNTIL    : 'until';
BITS     : 'bits';
UNION    : 'union';
EXTERN   : 'extern';
STRING   : 'string';
BYTES    : 'bytes';
LIST     : 'list';
TRUE     : 'true';
FALSE    : 'false';

SEMI   : ';';
EQ     : '=';
COLON  : ':';
COMMA  : ',';
DOT    : '.';
LBRACE : '{';
RBRACE : '}';
LBRACK : '[';
RBRACK : ']';
LPAREN : '(';
RPAREN : ')';
LT     : '<';
GT     : '>';
AT     : '@';
MINUS  : '-';

FLOAT
    : DIGITS '.' DIGITS EXPONENT?
    | DIGITS EXPONENT
    ;

INT
    : DIGITS
    | '0' [xX] HEX_DIGIT+
    ;

ID
    : [A-Za-z_] [A-Za-z0-9_]*
    ;

// One ASCII character or escape between single quotes: 'Q', '\0', '\x80'.
CHAR_LITERAL
    : '\'' ('\\' 'x' HEX_DIGIT HEX_DIGIT | ESCAPE | ~['\\\r\n]) '\''
    ;

STRING_LITERAL
    : '"' (ESCAPE | ~["\\\r\n])* '"'
    ;

// A string that reaches the end of its line: reported as an error by the
// lexer front end, which then treats it as if it were closed.
UNTERMINATED_STRING
    : '"' (ESCAPE | ~["\\\r\n])*
    ;

WS
    : [ \t\r\n\f]+ -> skip
    ;

LINE_COMMENT
    : '//' ~[\r\n]* -> skip
    ;

// Block comments go to their own channel: those that start with /** are doc
// comments, attached by the model builder to the declaration that follows.
BLOCK_COMMENT
    : '/*' (~'*' | '*'+ ~[*/])* '*'+ '/' -> channel(2)
    ;

UNTERMINATED_COMMENT
    : '/*' (~'*' | '*'+ ~[*/])* '*'* EOF
    ;

// Anything else becomes one token that the front end reports as an
// unexpected character, instead of being silently dropped.
ERROR_CHAR
    : .
    ;

fragment DIGITS    : [0-9]+;
fragment HEX_DIGIT : [0-9a-fA-F];
fragment EXPONENT  : [eE] [+-]? DIGITS;
fragment ESCAPE    : '\\' ~[\r\n];

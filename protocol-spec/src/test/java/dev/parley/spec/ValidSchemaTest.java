package dev.parley.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.spec.Value.EmptyValue;
import dev.parley.spec.Value.EnumValue;
import dev.parley.spec.Value.FlagsValue;
import dev.parley.spec.Value.FloatValue;
import dev.parley.spec.Value.IntegerValue;
import dev.parley.spec.Value.StringValue;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The corpus of valid schemas loads without diagnostics, and the model says what they say. */
class ValidSchemaTest {

  @TestFactory
  Stream<DynamicTest> everyValidSchemaLoadsWithoutDiagnostics() throws IOException {
    Path root = Schemas.resource("valid");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> p.toString().endsWith(".parley")).sorted().toList();
    }
    assertTrue(files.size() >= 8, "corpus found: " + files);
    return files.stream().map(file -> DynamicTest.dynamicTest(root.relativize(file).toString(), () -> {
      LoadResult result = SchemaLoader.create().load(List.of(file));
      assertEquals("", result.format());
      assertTrue(result.schema().isPresent());
    }));
  }

  @Test
  void tinySchemaHasOneEmptyMessageAndDefaultOptions() {
    SchemaFile file = Schemas.loadClean("valid/tiny.parley").files().get(0);
    assertEquals("tiny", file.packageName());
    assertEquals("tiny", file.javaPackage());
    assertEquals("Tiny", file.javaPrefix());
    assertEquals(FileOptions.defaults(), file.options());
    MessageType ping = file.messages().get(0);
    assertEquals("Ping", ping.name());
    assertEquals("tiny.Ping", ping.qualifiedName());
    assertEquals(1, ping.id());
    assertTrue(ping.fields().isEmpty());
    assertEquals(new SourceLocation(file.path().toString(), 3, 9), ping.location());
  }

  @Test
  void everyFieldTypeResolvesToItsModel() {
    SchemaFile file = Schemas.loadClean("valid/all_types.parley").files().get(0);
    MessageType m = file.messages().get(0);
    StructType pair = file.structs().get(0);
    EnumType color = file.enums().get(0);
    FlagsType wide = file.flags().get(0);
    List<FieldType> expected = List.of(
        PrimitiveType.U8, PrimitiveType.U16, PrimitiveType.U32, PrimitiveType.U64,
        PrimitiveType.I8, PrimitiveType.I16, PrimitiveType.I32, PrimitiveType.I64,
        PrimitiveType.F32, PrimitiveType.F64, PrimitiveType.BOOL,
        new StringType(PrefixWidth.U16), new StringType(PrefixWidth.U8), new StringType(PrefixWidth.U32),
        new BytesType(PrefixWidth.U16), new BytesType(PrefixWidth.U8), new BytesType(PrefixWidth.U32),
        new FixedBytesType(16), pair, color, wide,
        PrimitiveType.U32, pair,
        new ListType(PrimitiveType.U8, PrefixWidth.U16),
        new ListType(pair, PrefixWidth.U8),
        new ListType(new StringType(PrefixWidth.U8), PrefixWidth.U32),
        new ListType(new ListType(PrimitiveType.I64, PrefixWidth.U16), PrefixWidth.U16),
        new ListType(new FixedBytesType(4), PrefixWidth.U16));
    assertEquals(expected, m.fields().stream().map(Field::type).toList());
    assertEquals(List.of("f_optional", "f_optional_struct"),
        m.fields().stream().filter(Field::optional).map(Field::name).toList());
    assertEquals(PrimitiveType.I16, color.underlying());
    assertEquals(List.of(-1L, 0L, 32767L), color.constants().stream().map(EnumConstant::value).toList());
    assertEquals(PrimitiveType.U64, wide.underlying());
    assertEquals(1L | (1L << 63), wide.mask());
    assertEquals(2, pair.minimumSize());
    assertEquals("list<string<u8>, u32>", m.fields().get(25).type().displayName());
  }

  @Test
  void evolutionFieldsCarryVersionsAndTypedDefaults() {
    SchemaFile file = Schemas.loadClean("valid/evolution.parley").files().get(0);
    MessageType profile = file.messages().get(0);
    assertEquals(3, profile.version());
    assertEquals(List.of(1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3),
        profile.fields().stream().map(Field::since).toList());
    assertEquals(Optional.empty(), field(profile, "session").defaultValue());
    assertEquals(new IntegerValue(BigInteger.valueOf(3)), defaultOf(profile, "retries"));
    assertEquals(new IntegerValue(BigInteger.valueOf(-42)), defaultOf(profile, "offset"));
    assertEquals(new FloatValue(0.5), defaultOf(profile, "ratio"));
    assertEquals(new FloatValue(2.0), defaultOf(profile, "scale"));
    assertEquals(new Value.BoolValue(true), defaultOf(profile, "active"));
    assertEquals(new StringValue("héllo \"world\"\n"), defaultOf(profile, "motto"));
    EnumType level = file.enums().get(0);
    assertEquals(new EnumValue(level, level.constants().get(1)), defaultOf(profile, "level"));
    FlagsType caps = file.flags().get(0);
    assertEquals(new FlagsValue(caps, com.google.common.collect.ImmutableList.of(caps.bits().get(0), caps.bits().get(2))),
        defaultOf(profile, "caps"));
    assertEquals(new FlagsValue(caps, com.google.common.collect.ImmutableList.of()), defaultOf(profile, "none"));
    assertEquals(new EmptyValue(), defaultOf(profile, "tags"));
    assertEquals(new EmptyValue(), defaultOf(profile, "blob"));
    assertEquals(new IntegerValue(new BigInteger("18446744073709551615")), defaultOf(profile, "big"));
    assertEquals(new IntegerValue(BigInteger.valueOf(0xFFFF)), defaultOf(profile, "mask"));
    assertEquals(Optional.of("Version 1 had id and name; versions 2 and 3 appended fields."), profile.doc());
  }

  @Test
  void optionsSetFrameFormat() {
    SchemaFile file = Schemas.loadClean("valid/little_endian.parley").files().get(0);
    assertEquals(new FileOptions(Optional.empty(), ByteOrder.LITTLE_ENDIAN, PrefixWidth.U16,
        PrefixWidth.U8, 4096), file.options());
    assertEquals(List.of(255, 0), file.messages().stream().map(MessageType::id).toList());
  }

  @Test
  void fileKnowsWhereItsPackageAndOptionsAreWrittenAndSchemaQuotesItsLines() {
    Schema schema = Schemas.loadClean("valid/little_endian.parley");
    SchemaFile file = schema.files().get(0);
    String path = file.path().toString();
    assertEquals(new SourceLocation(path, 1, 9), file.location());
    assertEquals(new SourceLocation(path, 4, 1), file.optionLocations().get("length_prefix"));
    assertEquals(List.of("byte_order", "length_prefix", "type_id", "max_frame_length"),
        List.copyOf(file.optionLocations().keySet()));
    assertEquals("package legacy;", schema.sourceLine(file.location()));
    assertEquals("option length_prefix = u16;", schema.sourceLine(file.optionLocations().get("length_prefix")));
    assertEquals("", schema.sourceLine(SourceLocation.ofFile(path)));
    assertEquals("", schema.sourceLine(new SourceLocation("elsewhere.parley", 1, 1)));
  }

  @Test
  void keywordsOfTheLanguageRemainNames() {
    SchemaFile file = Schemas.loadClean("valid/keywords_as_names.parley").files().get(0);
    assertEquals("words.message", file.packageName());
    assertEquals(List.of("message", "list", "kind", "payload", "option", "struct", "flags"),
        file.messages().get(0).fields().stream().map(Field::name).toList());
    assertEquals(List.of("string", "bytes", "list"),
        file.enums().get(0).constants().stream().map(EnumConstant::name).toList());
  }

  @Test
  void docCommentsAttachToTheNextDeclarationOnly() {
    SchemaFile file = Schemas.loadClean("valid/docs.parley").files().get(0);
    StructType point = file.structs().get(0);
    assertEquals(Optional.of("A point on a plane.\n\nCoordinates are in millimetres."), point.doc());
    assertEquals(Optional.of("Across."), point.fields().get(0).doc());
    assertEquals(Optional.empty(), point.fields().get(1).doc());
    EnumType dir = file.enums().get(0);
    assertEquals(Optional.of("Directions."), dir.doc());
    assertEquals(Optional.of("Up we go."), dir.constants().get(0).doc());
    assertEquals(Optional.empty(), dir.constants().get(1).doc());
    assertEquals(Optional.empty(), file.messages().get(0).doc(), "/**/ is an empty block comment");
  }

  @Test
  void constantsKeepExactValues() {
    SchemaFile file = Schemas.loadClean("valid/constants.parley").files().get(0);
    assertEquals(10, file.constants().size());
    assertEquals(new IntegerValue(new BigInteger("18446744073709551615")), constant(file, "HUGE").value());
    assertEquals(new IntegerValue(BigInteger.valueOf(Long.MIN_VALUE)), constant(file, "LOWEST").value());
    assertEquals(new IntegerValue(BigInteger.valueOf(0xDEADBEEFL)), constant(file, "HEX").value());
    assertEquals(new FloatValue(6.02214076e23), constant(file, "AVOGADRO").value());
    assertEquals(new StringValue("hi\tthere é"), constant(file, "GREETING").value());
    assertEquals(new StringType(PrefixWidth.U8), constant(file, "SHORT").type());
  }

  @Test
  void importedTypesResolveBySimpleOrQualifiedName() {
    Schema schema = Schemas.loadClean("valid/imports/orders.parley");
    assertEquals(List.of("orders.parley", "common.parley", "geo.parley"),
        schema.files().stream().map(f -> f.path().getFileName().toString()).toList());
    SchemaFile orders = schema.files().get(0);
    assertEquals(2, orders.imports().size());
    MessageType order = orders.messages().get(0);
    assertEquals("market.common.Price", qualifiedTypeName(order, "price"));
    assertEquals("market.common.Side", qualifiedTypeName(order, "side"));
    assertEquals("market.common.Instrument", qualifiedTypeName(order, "instrument"));
    assertEquals("geo.Instrument", qualifiedTypeName(order, "origin"));
    assertEquals("geo.Where", qualifiedTypeName(order, "at"));
    SchemaFile common = schema.files().get(1);
    assertEquals("com.example.market.common", common.javaPackage());
    Declaration price = schema.declaration("market.common.Price").orElseThrow();
    assertEquals(common, schema.fileOf(price));
  }

  @Test
  void realisticProtocolLoadsWithEveryDeclaration() {
    SchemaFile file = Schemas.loadClean("valid/exchange.parley").files().get(0);
    assertTrue(file.declarations().size() >= 40, "declarations: " + file.declarations().size());
    assertEquals("com.example.exchange", file.javaPackage());
    assertEquals(262144, file.options().maxFrameLength());
    MessageType newOrder = (MessageType) file.declaration("NewOrder").orElseThrow();
    assertEquals(10, newOrder.id());
    assertEquals(2, newOrder.version());
    assertFalse(newOrder.fields().isEmpty());
    assertInstanceOf(StructType.class, field(newOrder, "instrument").type());
    long distinctIds = file.messages().stream().mapToInt(MessageType::id).distinct().count();
    assertEquals(file.messages().size(), distinctIds);
  }

  private static String qualifiedTypeName(MessageType message, String field) {
    return ((Declaration) field(message, field).type()).qualifiedName();
  }

  private static Field field(Composite composite, String name) {
    return composite.fields().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  private static Value defaultOf(MessageType message, String name) {
    return field(message, name).defaultValue().orElseThrow();
  }

  private static Constant constant(SchemaFile file, String name) {
    return (Constant) file.declaration(name).orElseThrow();
  }
}

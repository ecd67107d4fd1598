package dev.parley.spec;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.parley.runtime.FrameFormat;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One linked {@code .parley} file.
 *
 * @param path the file as it was named to the loader, or as an import resolved it
 * @param packageName the schema package, such as {@code chat.v1}
 * @param frame the file's {@code frame} declaration; empty for Parley's own frame, which the
 *     options {@code length_prefix} and {@code type_id} describe
 * @param imports the files this one imports, in the order written
 * @param declarations every declaration in source order
 * @param location where the package name is written, in {@code package chat.v1;}
 * @param optionLocations where each option the file sets is written (its {@code option}
 *     keyword), by option name; options left at their default have none
 */
public record SchemaFile(
    Path path,
    String packageName,
    FileOptions options,
    Optional<FrameLayout> frame,
    ImmutableList<Path> imports,
    ImmutableList<Declaration> declarations,
    SourceLocation location,
    ImmutableMap<String, SourceLocation> optionLocations) {

  public SchemaFile {
    requireNonNull(path, "path");
    requireNonNull(packageName, "packageName");
    requireNonNull(options, "options");
    requireNonNull(frame, "frame");
    requireNonNull(imports, "imports");
    requireNonNull(declarations, "declarations");
    requireNonNull(location, "location");
    requireNonNull(optionLocations, "optionLocations");
  }

  /** The package of the generated Java code: {@code java_package} if set, else the schema package. */
  public String javaPackage() {
    return options.javaPackage().orElse(packageName);
  }

  /**
   * The prefix of the per-file Java types ({@code ChatMessage}, {@code ChatProtocol}), from the
   * file name; see {@link JavaNames#filePrefix}.
   */
  public String javaPrefix() {
    return JavaNames.filePrefix(path.getFileName().toString());
  }

  /**
   * The application fields of the declared frame header that hold the size of a field of some
   * message's body (memcached's key length): the encoder computes them, so they are no record
   * components, and a message without a field they size sends 0 (SPEC.md 13.3).
   */
  public java.util.List<FrameField> headerSizes() {
    if (frame.isEmpty()) {
      return java.util.List.of();
    }
    java.util.Set<String> used = new java.util.HashSet<>();
    for (MessageType message : messages()) {
      for (Field field : message.fields()) {
        Composite.sizeOf(field.type()).ifPresent(size -> {
          if (size instanceof Size.FieldRef ref && ref.header()) {
            used.add(ref.field());
          }
        });
      }
    }
    return frame.get().applicationFields().stream().filter(f -> used.contains(f.name())).toList();
  }

  /**
   * The field of {@code message} whose union case header field {@code field} selects, if any: in
   * that message the field is no component, and the encoder writes the case's selector in it.
   */
  public static java.util.Optional<Field> selectedBy(MessageType message, FrameField field) {
    return message.fields().stream()
        .filter(f -> Composite.selection(f.type())
            .filter(s -> s.header() && s.selector().equals(field.name())).isPresent())
        .findFirst();
  }

  /** The field of {@code message} whose size header field {@code field} holds, if it has one. */
  public static java.util.Optional<Field> sizedBy(MessageType message, FrameField field) {
    return message.fields().stream()
        .filter(f -> Composite.sizeOf(f.type())
            .filter(s -> s instanceof Size.FieldRef ref && ref.header() && ref.field().equals(field.name()))
            .isPresent())
        .findFirst();
  }

  /** Whether the frames of this file carry a type id: always for Parley's own frame. */
  public boolean hasTypeId() {
    return frame.isEmpty() || frame.get().typeId().isPresent();
  }

  /**
   * The runtime's description of this file's frames, as the generated protocol builds it: Parley's
   * own frame from the options, or the declared header, with the size each message's type id
   * fixes when the header has no length.
   */
  public FrameFormat frameFormat() {
    FrameFormat.Builder builder = FrameFormat.builder().byteOrder(options.byteOrder());
    if (frame.isEmpty()) {
      return builder.lengthSize(options.lengthPrefix().size())
          .maxFrameLength((int) options.maxFrameLength())
          .build();
    }
    FrameLayout layout = frame.get();
    builder.header(layout.fields().stream().map(FrameField::toHeaderField).toList());
    if (layout.length().isEmpty()) {
      for (MessageType message : messages()) {
        int size = layout.headerSize() + message.fixedSize().orElseThrow();
        if (layout.typeId().isPresent()) {
          builder.fixedFrameSize(message.id(), size);
        } else {
          builder.fixedFrameSize(size);
        }
      }
    }
    return builder.maxFrameLength((int) options.maxFrameLength()).build();
  }

  /** The messages in source order. */
  public ImmutableList<MessageType> messages() {
    return declarationsOf(MessageType.class);
  }

  /** The structs in source order. */
  public ImmutableList<StructType> structs() {
    return declarationsOf(StructType.class);
  }

  /** The enums in source order. */
  public ImmutableList<EnumType> enums() {
    return declarationsOf(EnumType.class);
  }

  /** The flags types in source order. */
  public ImmutableList<FlagsType> flags() {
    return declarationsOf(FlagsType.class);
  }

  /** The constants in source order. */
  public ImmutableList<Constant> constants() {
    return declarationsOf(Constant.class);
  }

  /** The declaration named {@code name} (simple name) in this file. */
  public Optional<Declaration> declaration(String name) {
    return declarations.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  private <T extends Declaration> ImmutableList<T> declarationsOf(Class<T> kind) {
    return declarations.stream()
        .filter(kind::isInstance)
        .map(kind::cast)
        .collect(ImmutableList.toImmutableList());
  }
}

package dev.parley.spec.compat;

import static java.util.Objects.requireNonNull;

import dev.parley.spec.Schema;
import java.util.List;

/**
 * Checks that a new version of a schema can replace an old one: that every frame an old writer
 * sends still decodes, with the same meaning, in a new reader, and that new frames of the old
 * messages decode in an old reader. The rules are those of SPEC.md section 11; in short, messages
 * only grow by {@code @since} fields at their end, protocols by new messages with new ids, and a
 * frame's header, Parley's own or declared, keeps every byte.
 *
 * <p>Declarations are matched by package-qualified name (a file whose package was renamed carries
 * its declarations along), messages also by id within a protocol whose frames carry one, so a
 * renamed message and a reused id are told apart; header fields by name, or by position when
 * renamed.
 */
public final class CompatChecker {

  private CompatChecker() {}

  /**
   * Compares {@code oldSchema} with {@code newSchema}. Never throws for anything the schemas
   * contain: every difference becomes a diagnostic of the report.
   *
   * @throws IllegalArgumentException if {@code newSchema} has no file, so there is nothing to
   *     point into
   */
  public static CompatReport compare(Schema oldSchema, Schema newSchema) {
    requireNonNull(oldSchema, "oldSchema");
    requireNonNull(newSchema, "newSchema");
    if (newSchema.files().isEmpty()) {
      throw new IllegalArgumentException("the new schema has no file");
    }
    Findings findings = new Findings(newSchema);
    Correspondence names = Correspondence.of(oldSchema, newSchema);
    FieldComparison fields = new FieldComparison(names, findings);
    new FileComparison(names, findings).compare();
    List<MessageComparison.Pair> pairs = new MessageComparison(names, findings, fields).compare();
    new TypeComparison(names, findings, fields, pairs).compare();
    return new CompatReport(findings.sorted());
  }
}

package dev.parley.spec.compat;

import dev.parley.spec.MessageType;
import dev.parley.spec.SchemaFile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Matches the messages of two versions, by name and, within a pair of files (one protocol), by
 * id; reports removed, renamed, moved and renumbered messages and reused ids, then compares the
 * fields of every pair.
 */
final class MessageComparison {

  /** One message in both versions. */
  record Pair(MessageType oldMessage, MessageType newMessage) {}

  private final Correspondence names;
  private final Findings findings;
  private final FieldComparison fields;

  MessageComparison(Correspondence names, Findings findings, FieldComparison fields) {
    this.names = names;
    this.findings = findings;
    this.fields = fields;
  }

  /** Compares every message; the pairs it found, in OLD's order. */
  List<Pair> compare() {
    List<Pair> pairs = new ArrayList<>();
    Set<MessageType> renamed = Collections.newSetFromMap(new IdentityHashMap<>());
    for (SchemaFile oldFile : names.oldSchema().files()) {
      Optional<SchemaFile> newFile = names.newFile(oldFile);
      for (MessageType old : oldFile.messages()) {
        Optional<MessageType> byName = names.inNew(old).filter(MessageType.class::isInstance)
            .map(MessageType.class::cast);
        if (byName.isPresent()) {
          MessageType message = byName.get();
          pairs.add(new Pair(old, message));
          if (newFile.isEmpty() || names.newFileOf(message) != newFile.get()) {
            findings.error(message.location(), "message '" + message.name()
                + "' moved into this file from another protocol (was at " + old.location() + ")");
          } else if (message.id() != old.id()) {
            findings.error(message.location(), "message '" + message.name() + "' now has id "
                + message.id() + " (was id " + old.id() + " at " + old.location() + ")");
          }
          continue;
        }
        Optional<MessageType> sameId = newFile.flatMap(file -> withId(file, old.id()))
            .filter(message -> !existedBefore(message));
        if (sameId.isPresent()) {
          MessageType message = sameId.get();
          pairs.add(new Pair(old, message));
          renamed.add(message);
          findings.error(message.location(), "message id " + old.id() + " is now named '"
              + message.name() + "' (was '" + old.name() + "' at " + old.location() + ")");
        } else {
          findings.error(names.enclosing(oldFile), "message '" + old.name() + "' was removed (was id "
              + old.id() + " at " + old.location() + ")");
        }
      }
    }
    for (SchemaFile newFile : names.newSchema().files()) {
      for (MessageType message : newFile.messages()) {
        if (renamed.contains(message) || existedBefore(message)) {
          continue;
        }
        Optional<MessageType> sameId = names.oldFile(newFile).flatMap(file -> withId(file, message.id()));
        if (sameId.isPresent()) {
          findings.error(message.location(), "message '" + message.name() + "' reuses id " + message.id()
              + " (was message '" + sameId.get().name() + "' at " + sameId.get().location() + ")");
        } else {
          findings.note(message.location(), "new message '" + message.name() + "' (id " + message.id() + ")");
        }
      }
    }
    for (Pair pair : pairs) {
      MessageType old = pair.oldMessage();
      MessageType message = pair.newMessage();
      if (!old.doc().equals(message.doc())) {
        findings.note(message.location(), "doc comment of message '" + message.name()
            + "' changed (was at " + old.location() + ")");
      }
      fields.compare(old, message);
    }
    return pairs;
  }

  private boolean existedBefore(MessageType message) {
    return names.inOld(message).filter(MessageType.class::isInstance).isPresent();
  }

  private static Optional<MessageType> withId(SchemaFile file, int id) {
    return file.messages().stream().filter(m -> m.id() == id).findFirst();
  }
}

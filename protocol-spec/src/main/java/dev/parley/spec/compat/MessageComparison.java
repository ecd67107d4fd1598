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
 * fields of every pair. Ids are compared only where both files' frames carry a type id: a frame
 * without one carries a single message, whose id of 0 means nothing, and that message is matched
 * by name or, renamed, as the one message of each version.
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
      boolean ids = newFile.filter(file -> numbered(oldFile, file)).isPresent();
      for (MessageType old : oldFile.messages()) {
        Optional<MessageType> byName = names.inNew(old).filter(MessageType.class::isInstance)
            .map(MessageType.class::cast);
        if (byName.isPresent()) {
          MessageType message = byName.get();
          pairs.add(new Pair(old, message));
          if (newFile.isEmpty() || names.newFileOf(message) != newFile.get()) {
            findings.error(message.location(), "message '" + message.name()
                + "' moved into this file from another protocol (was at " + old.location() + ")");
          } else if (ids && message.id() != old.id()) {
            findings.error(message.location(), "message '" + message.name() + "' now has id "
                + message.id() + " (was id " + old.id() + " at " + old.location() + ")");
          }
          continue;
        }
        Optional<MessageType> sameId = newFile.filter(file -> ids).flatMap(file -> withId(file, old.id()))
            .filter(message -> !existedBefore(message));
        Optional<MessageType> onlyOne = newFile.flatMap(file -> onlyMessage(oldFile, file))
            .filter(message -> !existedBefore(message));
        if (sameId.isPresent()) {
          MessageType message = sameId.get();
          pairs.add(new Pair(old, message));
          renamed.add(message);
          findings.error(message.location(), "message id " + old.id() + " is now named '"
              + message.name() + "' (was '" + old.name() + "' at " + old.location() + ")");
        } else if (onlyOne.isPresent()) {
          MessageType message = onlyOne.get();
          pairs.add(new Pair(old, message));
          renamed.add(message);
          findings.note(message.location(), "the frame's one message is now named '" + message.name()
              + "' (was '" + old.name() + "' at " + old.location() + "): a name changes no byte, but the"
              + " generated record is renamed");
        } else {
          findings.error(names.enclosing(oldFile), "message '" + old.name() + "' was removed (was "
              + (oldFile.hasTypeId() ? "id " + old.id() + " " : "") + "at " + old.location() + ")");
        }
      }
    }
    for (SchemaFile newFile : names.newSchema().files()) {
      Optional<SchemaFile> oldFile = names.oldFile(newFile);
      boolean ids = oldFile.filter(file -> numbered(file, newFile)).isPresent();
      for (MessageType message : newFile.messages()) {
        if (renamed.contains(message) || existedBefore(message)) {
          continue;
        }
        Optional<MessageType> sameId = oldFile.filter(file -> ids).flatMap(file -> withId(file, message.id()));
        if (sameId.isPresent()) {
          findings.error(message.location(), "message '" + message.name() + "' reuses id " + message.id()
              + " (was message '" + sameId.get().name() + "' at " + sameId.get().location() + ")");
        } else {
          findings.note(message.location(), "new message '" + message.name() + "'"
              + (newFile.hasTypeId() ? " (id " + message.id() + ")" : ""));
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

  /** Whether the frames of both files carry a type id, so that their messages' ids mean something. */
  private static boolean numbered(SchemaFile oldFile, SchemaFile newFile) {
    return oldFile.hasTypeId() && newFile.hasTypeId();
  }

  /** The one message of {@code newFile} when neither file's frames carry a type id, so each has one. */
  private static Optional<MessageType> onlyMessage(SchemaFile oldFile, SchemaFile newFile) {
    return oldFile.hasTypeId() || newFile.hasTypeId() || newFile.messages().size() != 1
        ? Optional.empty() : Optional.of(newFile.messages().get(0));
  }

  private static Optional<MessageType> withId(SchemaFile file, int id) {
    return file.messages().stream().filter(m -> m.id() == id).findFirst();
  }
}

package dev.parley.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the last generation did, kept beside its output: the fingerprint of its inputs, then the
 * files it generated, one per line.
 */
final class State {

  private final Path file;
  private final String fingerprint;
  private final List<Path> files;

  private State(Path file, String fingerprint, List<Path> files) {
    this.file = file;
    this.fingerprint = fingerprint;
    this.files = files;
  }

  /** The state saved at {@code file}, or an empty one when there is none (or it is unreadable). */
  static State at(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      List<Path> files = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        files.add(Path.of(line));
      }
      return new State(file, lines.get(0), files);
    } catch (IOException | RuntimeException e) {
      return new State(file, "", List.of());
    }
  }

  String fingerprint() {
    return fingerprint;
  }

  List<Path> files() {
    return files;
  }

  void save(String newFingerprint, List<Path> generated) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(newFingerprint);
    for (Path path : generated) {
      lines.add(path.toString());
    }
    Files.createDirectories(file.getParent());
    Files.write(file, lines, StandardCharsets.UTF_8);
  }
}

package ai.noether.core.run;

import ai.noether.api.checkpoint.RunLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * When a stage started: {@code <stage>/.started} holds the instant (ISO-8601) its first training
 * began, written by a fresh start and kept by every resume, so that {@code noether runs} can say
 * how long a stage has been going. A stage written before this file existed, or elsewhere, has
 * none, and its duration is counted from its oldest checkpoint instead.
 */
public final class StageClock {
  private StageClock() {}

  /**
   * Records now as the stage's start: always on a fresh start, on a resume only if nothing is
   * recorded.
   */
  static void markStart(Path stageDir, boolean fresh) {
    Path file = RunLayout.startedFileIn(stageDir);
    try {
      if (fresh || !Files.exists(file)) {
        Files.writeString(file, Instant.now() + "\n", StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      // Only the duration shown by noether runs depends on it; training goes on.
      org.slf4j.LoggerFactory.getLogger(StageClock.class)
          .debug("could not record the start of {}: {}", stageDir, e.toString());
    }
  }

  /** The recorded start of the stage in {@code stageDir}, if there is one. */
  public static Optional<Instant> started(Path stageDir) {
    try {
      Path file = RunLayout.startedFileIn(stageDir);
      return Files.isRegularFile(file)
          ? Optional.of(Instant.parse(Files.readString(file).strip()))
          : Optional.empty();
    } catch (IOException | DateTimeParseException e) {
      return Optional.empty();
    }
  }
}

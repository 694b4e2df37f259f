package ai.noether.core.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the reads-once tests measure: the bytes this process has {@code read()} so far (Linux's
 * {@code rchar}), against the size of a checkpoint of a model large enough that a second read of it
 * stands out.
 */
public final class BytesRead {
  /** About 1 M parameters: 4 MiB of weights and 8 MiB of AdamW state, 2 updates per epoch. */
  public static final String MEGA_PARAMETER_STAGE =
      """
      seed: 5
      store: {kind: file, fsync: false}
      dataset: {kind: synthetic-regression, train_samples: 32, valid_samples: 16, input_size: 6, noise: 0.05, data_seed: 3}
      model: {name: net, kind: mlp, input_size: 6, hidden_sizes: [1024, 1024], output_size: 1, activation: gelu}
      optimizer: {kind: adamw, lr: 1.0e-3}
      trainer:
        max_epochs: 1
        batch_size: 16
        loss: mse
      """;

  private BytesRead() {}

  /** The bytes this process has {@code read()} since it started. */
  public static long sofar() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
      if (line.startsWith("rchar:")) {
        return Long.parseLong(line.substring(6).trim());
      }
    }
    throw new IllegalStateException("no rchar in /proc/self/io");
  }

  /** The bytes of the files of model {@code net}'s {@code latest} checkpoint. */
  public static long sizeOfLatest(Path checkpoints) throws IOException {
    try (Stream<Path> files = Files.list(checkpoints)) {
      long total = 0;
      for (Path p :
          files.filter(p -> p.getFileName().toString().startsWith("net_cp=latest_")).toList()) {
        total += Files.size(p);
      }
      return total;
    }
  }
}

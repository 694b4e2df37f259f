package ai.noether.examples.pipeline;

import ai.noether.examples.turbofan.TurbofanFleet;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The stage of issue 9's resume-parity tests: a {@code cnn-lstm} with batch norm and dropout and
 * two heads (RUL regression and health classes), trained with gradient accumulation and prefetching
 * on windows of a file-backed dataset (a small simulated fleet in NASA's C-MAPSS layout, read by
 * the {@code table} kind) scaled by a fitted scaler.
 */
public final class CnnLstmFileStage {
  private CnnLstmFileStage() {}

  /** Six training engines (two of them drawn for validation) and two test engines. */
  public static final TurbofanFleet.Settings FLEET =
      new TurbofanFleet.Settings("FD001", 6, 2, 1, 48, 60, 3);

  /** The stage; {@code %s} is the directory of the fleet's files. */
  static final String YAML =
      """
      seed: 5
      store: {kind: file, fsync: false}
      dataset:
        kind: table
        format: whitespace
        data_dir: %s
        train: train_FD001.txt
        test: test_FD001.txt
        test_rul: RUL_FD001.txt
        columns: [unit, cycle, "setting{1..3}", "s{1..21}"]
        group_by: unit
        valid_fraction: 0.34
        fields: {x: ["s{2..4}", s7, s11]}
        windows: {length: 10, stride: 3, rul: {cap: 40}, health: {thresholds: [8, 20]}}
        scaler: {kind: standard, fields: [x]}
      model:
        name: net
        kind: cnn-lstm
        input_shape: [10, 5]
        conv: {channels: [6], kernel_sizes: [3], batch_norm: true, dropout: 0.2}
        lstm: {hidden_size: 8}
        heads:
          rul: {hidden_sizes: [8], output_size: 1}
          health: {hidden_sizes: [8], output_size: 3, dropout: 0.2}
      optimizer: {kind: adamw, lr: 3.0e-3, weight_decay: 0.01}
      trainer:
        max_epochs: 4
        batch_size: 8
        accumulate_grad_batches: 2
        prefetch: 2
        inputs: [x]
        targets:
          rul: {loss: mse, weight: 0.5, metrics: [rmse]}
          health: {loss: softmax-cross-entropy, weight: 0.5, metrics: [accuracy]}
        eval_every_n_epochs: 1
        log_every_n_updates: 1
        callbacks:
          - {kind: checkpoint, every_n_updates: 3, keep_last: 2}
      """;

  /** Writes the fleet into {@code dataDir} and returns the stage's YAML reading it. */
  public static String yaml(Path dataDir) throws IOException {
    new TurbofanFleet(FLEET).write(dataDir);
    return YAML.formatted(dataDir.toAbsolutePath());
  }
}

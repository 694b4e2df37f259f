package ai.noether.examples.pipeline;

/**
 * The stage the multi-head resume tests train: named fields with a scaler per operating condition,
 * a two-head model with dropout, per-target losses and weights, a metric per batch and prefetching.
 * 160 samples in batches of 16: 10 updates per epoch, 30 in all.
 */
public final class TwoHeadStage {
  private TwoHeadStage() {}

  /**
   * The model block. When a built-in multi-head kind exists, replace it here (for instance {@code
   * {name: net, kind: cnn-lstm, ...heads: [rul, health]...}}) and every test follows.
   */
  public static final String MODEL =
      "{name: net, kind: test-two-head-mlp, input_size: 6, hidden: 24, classes: 3, dropout: 0.2}";

  /** The stage; {@code %s} is the shift file of the dataset. */
  public static final String YAML =
      """
      seed: 11
      store: {kind: file, fsync: false}
      dataset:
        kind: test-named-fields
        train_samples: 160
        valid_samples: 40
        input_size: 6
        data_seed: 4
        shift_file: %s
        scaler: {kind: standard, fields: [x], condition_field: op, chunk_size: 64}
      model: MODEL
      optimizer: {kind: adamw, lr: 3.0e-3, weight_decay: 0.05, schedule: {kind: warmup-cosine, warmup_updates: 5}}
      trainer:
        max_epochs: 3
        batch_size: 16
        inputs: [x]
        targets:
          rul: {loss: mse, weight: 0.5, metrics: [test-rmse]}
          health: {loss: softmax-cross-entropy, weight: 0.5}
        prefetch: 2
        eval_every_n_updates: 5
        log_every_n_updates: 3
        callbacks:
          - {kind: checkpoint, every_n_updates: 8, keep_last: 2}
      """
          .replace("MODEL", MODEL);

  /** The stage with {@code shiftFile} as the dataset's shift file (it need not exist). */
  public static String yaml(java.nio.file.Path shiftFile) {
    return YAML.formatted(shiftFile.toAbsolutePath());
  }
}

package ai.noether.api.checkpoint;

/**
 * Keys that appear inside checkpoint files. They are part of the on-disk contract shared with
 * Noether (Python): never change a value, add a new constant instead.
 */
public final class CheckpointKeys {
  private CheckpointKeys() {}

  /** The model parameters: parameter path to tensor. */
  public static final String STATE_DICT = "state_dict";

  /** The tag the file was written under. */
  public static final String CHECKPOINT_TAG = "checkpoint_tag";

  /** The iteration as {@code {epoch, update, sample}}. */
  public static final String TRAINING_ITERATION = "training_iteration";

  /** The run the checkpoint belongs to. */
  public static final String RUN_ID = "run_id";

  /** The stage the checkpoint belongs to. */
  public static final String STAGE_NAME = "stage_name";

  /** The model's architecture configuration. */
  public static final String MODEL_CONFIG = "model_config";

  /** User extras (e.g. data-normalisation parameters). */
  public static final String EXTRAS = "extras";

  /** The scaler's parameters: an extra of every model file, and a key of the trainer state. */
  public static final String SCALER_PARAMS = "scaler_params";

  /**
   * Optimizer state by parameter path (format 1; format 2 stores PyTorch's layout at the file's
   * root).
   */
  public static final String OPTIMIZER = "optimizer";

  /** LR schedule state. */
  public static final String SCHEDULE = "schedule";

  /** Callback states by callback key. */
  public static final String CALLBACKS = "callbacks";

  /** The resolved run configuration. */
  public static final String CONFIG = "config";

  /** Epoch counter. */
  public static final String EPOCH = "epoch";

  /** Update counter. */
  public static final String UPDATE = "update";

  /** Sample counter. */
  public static final String SAMPLE = "sample";

  /** Batches of the current epoch already trained (position in the epoch's data order). */
  public static final String BATCH_IN_EPOCH = "batch_in_epoch";

  /**
   * In a checkpoint taken inside a gradient-accumulation window: the batches of the window whose
   * gradients are summed so far (absent at an update boundary).
   */
  public static final String ACCUMULATED_BATCHES = "accumulated_batches";

  /** With {@link #ACCUMULATED_BATCHES}: the summed gradients by parameter path. */
  public static final String ACCUMULATED_GRADIENTS = "accumulated_gradients";

  /**
   * With {@link #ACCUMULATED_BATCHES}: {@code trainer.accumulate_grad_batches} of the run that
   * wrote it.
   */
  public static final String ACCUMULATE_GRAD_BATCHES = "accumulate_grad_batches";

  /** The run seed every random stream is derived from. */
  public static final String SEED = "seed";

  /** The most recent value of every logged metric. */
  public static final String METRICS = "metrics";

  /** The metric history of the stage up to the checkpoint. */
  public static final String HISTORY = "history";

  /** The partial training-loss window since the last log line. */
  public static final String LOG_WINDOW = "log_window";

  /** In the {@link #LOG_WINDOW}: the sum of the training losses since the last log line. */
  public static final String LOG_WINDOW_LOSS_SUM = "loss_sum";

  /** In the {@link #LOG_WINDOW}: the batches whose losses are summed. */
  public static final String LOG_WINDOW_COUNT = "count";

  /** In the {@link #LOG_WINDOW}: the samples of those batches. */
  public static final String LOG_WINDOW_SAMPLES = "samples";

  /**
   * In the {@link #LOG_WINDOW}, only when the step reports metrics: by metric key, the pair {@code
   * [sum, batches that reported it]}.
   */
  public static final String LOG_WINDOW_METRIC_SUMS = "metric_sums";

  /**
   * The learning rate of the most recent update, so that a resumed run reports (and saves in the
   * optimizer file's {@code param_groups}) the same rate as an uninterrupted one.
   */
  public static final String LAST_LEARNING_RATE = "last_learning_rate";

  /** The iteration of the most recent evaluation ({@code E.._U.._S..}), or None. */
  public static final String LAST_EVALUATED = "last_evaluated";

  /** Where this run came from: resumed runs and checkpoints, oldest first. */
  public static final String LINEAGE = "lineage";

  /** In a lineage entry: the checksums of the checkpoint files a run resumed from. */
  public static final String CHECKSUM = "checksum";

  /** In a lineage entry: when the resume happened (ISO-8601). */
  public static final String RESUMED_AT = "resumed_at";

  // Inside the trainer file's HISTORY (the metric history's own state): one row per logging, the
  // metric keys once in a table, the values of all rows in one array.

  /**
   * In the {@link #HISTORY}: the iterations of the rows, {@code [rows, 3]} as epoch, update,
   * sample.
   */
  public static final String HISTORY_ITERATIONS = "iterations";

  /** In the {@link #HISTORY}: the number of values of each row. */
  public static final String HISTORY_COUNTS = "counts";

  /** In the {@link #HISTORY}: every metric key once, in first-logged order. */
  public static final String HISTORY_KEY_TABLE = "key_table";

  /**
   * In the {@link #HISTORY}: the key of each value, as an index into {@link #HISTORY_KEY_TABLE}.
   */
  public static final String HISTORY_KEY_IDS = "key_ids";

  /** In the {@link #HISTORY}: the values of all rows, row after row. */
  public static final String HISTORY_VALUES = "values";

  /** In the {@link #HISTORY}: the resumes the history went through, oldest first. */
  public static final String HISTORY_RESUMES = "resumes";

  /** In a {@link #HISTORY_RESUMES} entry: the iteration resumed at ({@code E.._U.._S..}). */
  public static final String HISTORY_RESUME_ITERATION = "iteration";

  /** In a {@link #HISTORY_RESUMES} entry: the checkpoint resumed from ({@code run/stage@tag}). */
  public static final String HISTORY_RESUME_SOURCE = "source";

  /** Version of the checkpoint layout written by this framework. */
  public static final String FORMAT_VERSION = "noether_format_version";

  // The file store's per-checkpoint manifest (checkpoints/.noether/{tag}.manifest), its commit
  // point.
  // It also uses CHECKPOINT_TAG, TRAINING_ITERATION, EPOCH, UPDATE and SAMPLE.

  /** Version of the store manifest layout. */
  public static final String STORE_MANIFEST_VERSION = "noether_store_manifest";

  /**
   * For an alias manifest ({@code latest}, {@code last}): the tag it was moved to at commit time.
   */
  public static final String ALIAS_OF = "alias_of";

  /** When the commit completed, ISO-8601 UTC. */
  public static final String COMMITTED_AT = "committed_at";

  /** The files of a checkpoint in a manifest. */
  public static final String FILES = "files";

  /** A file's Noether name in a manifest entry. */
  public static final String FILE_NAME = "name";

  /** A file's immutable stored copy (its hard-link source) in a manifest entry. */
  public static final String FILE_BLOB = "blob";

  /** A file's size in bytes in a manifest entry. */
  public static final String FILE_SIZE = "size";

  /** A file's CRC32C in a manifest entry. */
  public static final String FILE_CRC32C = "crc32c";

  /**
   * The manifest's own CRC32C, over its other keys as compact JSON in file order (manifest version
   * 2 and later).
   */
  public static final String MANIFEST_CRC32C = "manifest_crc32c";

  // Inside an optimizer state (named as in PyTorch's optimizer state_dict; keyed by parameter path
  // in memory and in format 1, by PyTorch's parameter index in format-2 files).

  /** The kind of optimizer that wrote the state ({@code adamw}). */
  public static final String OPTIMIZER_KIND = "kind";

  /** Per-parameter optimizer buffers: parameter path to that parameter's state. */
  public static final String OPTIMIZER_STATE = "state";

  /** The parameter groups and their hyperparameters. */
  public static final String PARAM_GROUPS = "param_groups";

  /** The parameter paths of one parameter group. */
  public static final String PARAMS = "params";

  /** A learning rate (of a parameter group, or a schedule's last value). */
  public static final String LR = "lr";

  /** The weight decay of a parameter group. */
  public static final String WEIGHT_DECAY = "weight_decay";

  /** Updates applied to one parameter (Adam's bias correction counter). */
  public static final String STEP = "step";

  /** Adam's first moment of one parameter. */
  public static final String EXP_AVG = "exp_avg";

  /** Adam's second moment of one parameter. */
  public static final String EXP_AVG_SQ = "exp_avg_sq";

  /** SGD's momentum buffer of one parameter. */
  public static final String MOMENTUM_BUFFER = "momentum_buffer";

  // The optimizer file from format 2 on is PyTorch's optimizer state dict (torch.optim.Optimizer
  // .state_dict(): STATE keyed by parameter index, PARAM_GROUPS with PARAMS index lists and the
  // hyper-parameters under torch's names) plus Noether (Python)'s PARAM_IDX_TO_NAME.

  /** In an optimizer file: parameter index to parameter path, as Noether (Python) writes it. */
  public static final String PARAM_IDX_TO_NAME = "param_idx_to_name";

  /** In an optimizer file: the optimizer kind that wrote it ({@code adamw}). */
  public static final String OPTIMIZER_FILE_KIND = "optimizer_kind";

  /** In a torch parameter group: the group's base learning rate, before any schedule. */
  public static final String INITIAL_LR = "initial_lr";

  /** In a torch parameter group (Adam): the two moment decay rates. */
  public static final String BETAS = "betas";

  /** In a torch parameter group (Adam): the denominator's epsilon. */
  public static final String EPS = "eps";

  /** In a torch parameter group (Adam): AMSGrad on or off. */
  public static final String AMSGRAD = "amsgrad";

  /** In a torch parameter group: maximise instead of minimise. */
  public static final String MAXIMIZE = "maximize";

  /** In a torch parameter group: the multi-tensor implementation switch (None: torch decides). */
  public static final String FOREACH = "foreach";

  /** In a torch parameter group (Adam): CUDA-graph capturable steps. */
  public static final String CAPTURABLE = "capturable";

  /** In a torch parameter group: autograd through the step. */
  public static final String DIFFERENTIABLE = "differentiable";

  /** In a torch parameter group (Adam): the fused CUDA implementation switch. */
  public static final String FUSED = "fused";

  /** In a torch parameter group (SGD): the momentum factor. */
  public static final String MOMENTUM = "momentum";

  /** In a torch parameter group (SGD): the momentum's dampening. */
  public static final String DAMPENING = "dampening";

  /** In a torch parameter group (SGD): Nesterov momentum. */
  public static final String NESTEROV = "nesterov";

  // In the trainer file, beside our own keys, for Noether (Python).

  /**
   * Callback states as a list in callback order, as Noether (Python)'s trainer writes them (ours
   * are under {@link #CALLBACKS} by state key; this list holds the same states).
   */
  public static final String CALLBACK_STATE_DICTS = "callback_state_dicts";

  // Inside a learning-rate schedule state (reduce-on-plateau).

  /** The best metric value seen so far. */
  public static final String BEST = "best";

  /** Evaluations since the last improvement. */
  public static final String NUM_BAD_EVALUATIONS = "num_bad_evaluations";

  /** Evaluations left before reductions may happen again. */
  public static final String COOLDOWN_COUNTER = "cooldown_counter";

  /** The factor the base learning rate is currently multiplied by. */
  public static final String LR_SCALE = "lr_scale";
}

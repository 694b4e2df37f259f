package ai.noether.core.config;

import java.util.List;

/**
 * The keys of a run configuration that the framework itself reads. Configs are written into
 * checkpoints, so these names are a contract shared with Noether (Python): never rename one. The
 * keys inside component blocks belong to each component's config type.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  // The root of a run configuration.
  public static final String RUN_ID = "run_id";
  public static final String STAGE_NAME = "stage_name";
  public static final String OUTPUT_DIR = "output_dir";
  public static final String SEED = "seed";
  public static final String DEVICE = "device";

  /** The engine's process-wide settings ({@link ai.noether.api.run.EngineConfig}). */
  public static final String ENGINE = "engine";

  public static final String RESUME_RUN_ID = "resume_run_id";
  public static final String RESUME_STAGE_NAME = "resume_stage_name";
  public static final String RESUME_CHECKPOINT = "resume_checkpoint";

  /**
   * Whether a resume from {@code latest} that fails verification continues from an older
   * checkpoint.
   */
  public static final String RESUME_FALLBACK = "resume_fallback";

  public static final String RESUME_IF_EXISTS = "resume_if_exists";
  public static final String STORE = "store";
  public static final String DATASET = "dataset";
  public static final String MODEL = "model";
  public static final String OPTIMIZER = "optimizer";
  public static final String TRAINER = "trainer";

  /** Every component block starts with it: a registered short name or a factory class name. */
  public static final String KIND = "kind";

  // dataset
  /** The dataset's scaler block ({@link ScalerConfig}). */
  public static final String SCALER = "scaler";

  // engine
  public static final String THREADS = "threads";
  public static final String INTEROP_THREADS = "interop_threads";

  // model
  public static final String NAME = "name";
  public static final String INITIALIZERS = "initializers";

  // optimizer
  public static final String LR = "lr";
  public static final String SCHEDULE = "schedule";

  // trainer
  public static final String MAX_EPOCHS = "max_epochs";
  public static final String MAX_UPDATES = "max_updates";
  public static final String MAX_SAMPLES = "max_samples";
  public static final String BATCH_SIZE = "batch_size";
  public static final String EVAL_EVERY_N_EPOCHS = "eval_every_n_epochs";
  public static final String EVAL_EVERY_N_UPDATES = "eval_every_n_updates";
  public static final String EVAL_EVERY_N_SAMPLES = "eval_every_n_samples";
  public static final String LOG_EVERY_N_EPOCHS = "log_every_n_epochs";
  public static final String LOG_EVERY_N_UPDATES = "log_every_n_updates";
  public static final String LOG_EVERY_N_SAMPLES = "log_every_n_samples";
  public static final String CALLBACKS = "callbacks";
  public static final String LOGGERS = "loggers";
  public static final String NON_FINITE_LOSS = "non_finite_loss";
  public static final String STOP_TIMEOUT_SECONDS = "stop_timeout_seconds";
  public static final String MAX_FAILED_SAVES = "max_failed_saves";

  /** Batches whose gradients are summed (and averaged) into one optimizer update. */
  public static final String ACCUMULATE_GRAD_BATCHES = "accumulate_grad_batches";

  /** The root keys in the order the resolved configuration is written. */
  public static final List<String> ROOT =
      List.of(
          RUN_ID,
          STAGE_NAME,
          OUTPUT_DIR,
          SEED,
          DEVICE,
          ENGINE,
          RESUME_RUN_ID,
          RESUME_STAGE_NAME,
          RESUME_CHECKPOINT,
          RESUME_FALLBACK,
          RESUME_IF_EXISTS,
          STORE,
          DATASET,
          MODEL,
          OPTIMIZER,
          TRAINER);

  /** The keys of {@code dataset} the framework reads; the others are the dataset's own config. */
  public static final List<String> DATASET_KEYS = List.of(KIND, SCALER);

  /** The keys of {@code engine}. */
  public static final List<String> ENGINE_KEYS = List.of(THREADS, INTEROP_THREADS);

  /** The keys of {@code model} the framework reads; the others are the model's own config. */
  public static final List<String> MODEL_KEYS = List.of(NAME, KIND, INITIALIZERS);

  /**
   * The keys of {@code optimizer} the framework reads and keeps from the optimizer's own config.
   * {@code lr} is not among them: the framework reads it as the schedule's base rate, and the
   * optimizer gets it too, as its own setting.
   */
  public static final List<String> OPTIMIZER_KEYS = List.of(KIND, SCHEDULE);

  /** The keys of {@code trainer} the framework reads; the others configure the training step. */
  public static final List<String> TRAINER_KEYS =
      List.of(
          KIND,
          MAX_EPOCHS,
          MAX_UPDATES,
          MAX_SAMPLES,
          BATCH_SIZE,
          EVAL_EVERY_N_EPOCHS,
          EVAL_EVERY_N_UPDATES,
          EVAL_EVERY_N_SAMPLES,
          LOG_EVERY_N_EPOCHS,
          LOG_EVERY_N_UPDATES,
          LOG_EVERY_N_SAMPLES,
          CALLBACKS,
          LOGGERS,
          NON_FINITE_LOSS,
          STOP_TIMEOUT_SECONDS,
          MAX_FAILED_SAVES,
          ACCUMULATE_GRAD_BATCHES);
}

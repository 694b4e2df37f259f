package ai.noether.core.config;

import static ai.noether.core.config.ConfigKeys.*;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.run.DeviceSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resolved configuration of a run as a plain tree ({@link RunConfig#toPlainTree()}): the root
 * keys as the user wrote them with every default filled in, in the order of {@code
 * docs/configuration.md}. It is what the stage's {@code config.yaml} and every checkpoint save, so
 * keys are added only where their absence would change what a later reader binds.
 */
final class ResolvedTree {
  private ResolvedTree() {}

  /**
   * @param root the configuration as read, overrides applied
   * @param resume the bound resume keys, or null for a fresh start
   * @param storeKind the kind of the store block, chosen by {@code output_dir} when not written
   * @param stepKind the kind of the training step ({@code trainer.kind})
   */
  static Map<String, Object> of(
      Map<String, Object> root,
      String runId,
      String stageName,
      StoreLocation output,
      long seed,
      DeviceSpec device,
      @Nullable ResumeConfig resume,
      boolean resumeIfExists,
      String storeKind,
      String stepKind) {
    Map<String, Object> resolved = new LinkedHashMap<>();
    resolved.put(RUN_ID, runId);
    resolved.put(STAGE_NAME, stageName);
    resolved.put(OUTPUT_DIR, output.toString());
    resolved.put(SEED, seed);
    resolved.put(DEVICE, device.toString());
    if (root.get(ENGINE) != null) {
      // Written only when set: the defaults depend on the machine, not on the run.
      resolved.put(ENGINE, root.get(ENGINE));
    }
    if (resume != null) {
      resolved.put(RESUME_RUN_ID, resume.stage().runId());
      resolved.put(RESUME_STAGE_NAME, resume.stage().stageName());
      resolved.put(RESUME_CHECKPOINT, root.get(RESUME_CHECKPOINT));
      if (root.get(RESUME_FALLBACK) != null) {
        resolved.put(RESUME_FALLBACK, root.get(RESUME_FALLBACK));
      }
    }
    if (resumeIfExists) {
      // Written only when set, so that the resolved configurations of other runs stay as they were.
      resolved.put(RESUME_IF_EXISTS, true);
    }
    resolved.put(STORE, withKind(root.get(STORE), storeKind));
    resolved.put(DATASET, root.get(DATASET));
    resolved.put(MODEL, root.get(MODEL));
    resolved.put(OPTIMIZER, root.get(OPTIMIZER));
    Map<String, Object> trainer = withKind(root.get(TRAINER), stepKind);
    if (TrainerSectionReader.LOG_KEYS.stream().allMatch(key -> trainer.get(key) == null)) {
      trainer.put(LOG_EVERY_N_UPDATES, RunConfigLoader.DEFAULT_LOGGING.every());
    }
    resolved.put(TRAINER, trainer);
    return resolved;
  }

  /** A copy of {@code block} (a mapping, or null when absent) whose first key is {@code kind}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> withKind(@Nullable Object block, String kind) {
    Map<String, Object> copy = new LinkedHashMap<>();
    copy.put(KIND, kind);
    if (block != null) {
      ((Map<String, Object>) block)
          .forEach(
              (k, v) -> {
                if (!k.equals(KIND)) {
                  copy.put(k, v);
                }
              });
    }
    return copy;
  }
}

package ai.noether.core.config;

import static ai.noether.core.config.ConfigKeys.*;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.run.DeviceSpec;
import ai.noether.api.run.EngineConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the root keys that say where the run comes from, where it writes and what it runs on: the
 * resume keys, {@code output_dir}, {@code device} and the {@code engine} block. Each reader throws
 * a {@link ai.noether.api.ConfigException} naming the key and what would be valid.
 */
final class RootKeys {
  /** The largest thread count the {@code engine} block passes on; larger values are capped. */
  private static final long MAX_THREADS = 4096;

  private RootKeys() {}

  /** The resume keys, or null when {@code resume_run_id} is absent (and so are the others). */
  @Nullable
  static ResumeConfig resume(MapReader r) {
    String runId = r.name(RESUME_RUN_ID, null, Names::requireRunId);
    if (runId == null) {
      for (String key : List.of(RESUME_STAGE_NAME, RESUME_CHECKPOINT, RESUME_FALLBACK)) {
        if (r.has(key)) {
          throw r.invalid(
              key,
              "is set but resume_run_id is not; set resume_run_id to the run to resume, or remove "
                  + key);
        }
      }
      return null;
    }
    String stageName = r.name(RESUME_STAGE_NAME, null, Names::requireStageName);
    String checkpoint = r.string(RESUME_CHECKPOINT, null);
    Boolean fallback = r.bool(RESUME_FALLBACK);
    try {
      return new ResumeConfig(
          new StageId(runId, stageName == null ? RunConfigLoader.DEFAULT_STAGE_NAME : stageName),
          CheckpointSelector.parse(checkpoint),
          fallback == null || fallback);
    } catch (NoetherException e) {
      throw r.invalid(RESUME_CHECKPOINT, e.getMessage());
    }
  }

  /**
   * {@code output_dir} ({@link RunConfigLoader#DEFAULT_OUTPUT_DIR} when absent), a relative path
   * resolved against {@code workingDir}.
   */
  static StoreLocation output(MapReader r, Path workingDir) {
    String text = r.string(OUTPUT_DIR, null);
    try {
      return StoreLocation.parse(
          text == null ? RunConfigLoader.DEFAULT_OUTPUT_DIR : text, workingDir);
    } catch (InvalidNameException e) {
      throw r.invalid(OUTPUT_DIR, e.getMessage());
    }
  }

  /** {@code device}; {@link DeviceSpec#AUTO} when absent. */
  static DeviceSpec device(MapReader r) {
    String text = r.string(DEVICE, null);
    try {
      return text == null ? DeviceSpec.AUTO : DeviceSpec.parse(text);
    } catch (NoetherException e) {
      throw r.invalid(DEVICE, e.getMessage());
    }
  }

  /** The {@code engine} block; {@link EngineConfig#DEFAULT} when absent. */
  static EngineConfig engine(MapReader r) {
    MapReader e = r.child(ENGINE);
    if (e == null) {
      return EngineConfig.DEFAULT;
    }
    ConfigErrors errors = new ConfigErrors();
    e.rejectUnknown(ENGINE_KEYS, "in engine", errors);
    errors.throwIfAny();
    return new EngineConfig(threads(e.positive(THREADS)), threads(e.positive(INTEROP_THREADS)));
  }

  @Nullable
  private static Integer threads(@Nullable Long count) {
    return count == null ? null : Math.toIntExact(Math.min(count, MAX_THREADS));
  }
}

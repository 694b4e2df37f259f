package ai.noether.core.checkpoint;

import ai.noether.api.checkpoint.TrainingIteration;
import java.util.Map;

/** The trainer as seen by the checkpoint writer: something that can capture its state. */
public interface SnapshotSource {

  /** Captures the full state now (on the training thread). */
  TrainingSnapshot snapshot(boolean includeOptimizer);

  /** The current counters. */
  TrainingIteration iteration();

  /** Model configs by model name, for model-only files. */
  Map<String, Map<String, Object>> modelConfigs();

  /** User extras stored in model files. */
  Map<String, Object> extras();
}

package ai.noether.core.resume;

import ai.noether.api.Nullable;
import java.util.List;
import java.util.Map;

/**
 * Which configuration changes a resume can honour. A change is forbidden when the checkpoint's
 * state would not mean the same thing under the new configuration; everything else is allowed and
 * reported. Paths are matched as prefixes at key boundaries ({@code model} matches {@code
 * model.hidden_sizes[0]} but not {@code model_x}).
 */
public final class ResumeRules {

  /** The rules of a training run: see the table in {@code docs/resume.md}. */
  public static final ResumeRules DEFAULT =
      new ResumeRules(
          List.of(
              // Where the run writes and what it resumes from may differ by design.
              "run_id",
              "stage_name",
              "output_dir",
              "resume_run_id",
              "resume_stage_name",
              "resume_checkpoint",
              "resume_fallback",
              "resume_if_exists",
              // Initializers run only on fresh starts; a resume ignores them.
              "model.initializers",
              "device",
              "store"),
          Map.of(
              "model", "the model architecture must match the checkpoint's weights",
              "dataset", "the checkpoint's position in the data order refers to this dataset",
              "seed", "data order and dropout after the checkpoint derive from the seed",
              "trainer.batch_size",
                  "the epoch position and sample counter refer to this batch size",
              "trainer.kind",
                  "the training step must match the one the checkpoint was trained with",
              "optimizer.kind", "the saved optimizer state belongs to this optimizer kind"));

  private final List<String> ignored;
  private final Map<String, String> forbidden;

  /**
   * @param ignored paths whose changes are neither reported nor checked
   * @param forbidden paths whose changes fail the resume, with the reason shown to the user
   */
  public ResumeRules(List<String> ignored, Map<String, String> forbidden) {
    this.ignored = List.copyOf(ignored);
    this.forbidden = Map.copyOf(forbidden);
  }

  boolean isIgnored(String path) {
    return ignored.stream().anyMatch(p -> covers(p, path));
  }

  /** The reason a change at {@code path} is forbidden, or null when it is allowed. */
  @Nullable
  String forbiddenReason(String path) {
    String best = null;
    for (String p : forbidden.keySet()) {
      if (covers(p, path) && (best == null || p.length() > best.length())) {
        best = p;
      }
    }
    return best == null ? null : forbidden.get(best);
  }

  private static boolean covers(String prefix, String path) {
    return path.equals(prefix) || path.startsWith(prefix + ".") || path.startsWith(prefix + "[");
  }
}

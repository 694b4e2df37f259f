package ai.noether.api.model;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;

/** A strict load whose keys or shapes do not match; the message lists every difference at once. */
public class StateDictMismatchException extends NoetherException {
  private static final long serialVersionUID = 1L;
  private final transient LoadReport report;

  public StateDictMismatchException(String modelName, LoadReport report) {
    this(modelName, report, null);
  }

  /**
   * A mismatch found while loading from a described source.
   *
   * @param source where the state dict came from and how its keys were mapped (e.g. {@code
   *     model.initializers[0]: run 'r1' stage 'train' checkpoint latest, after renaming 4 keys});
   *     null for none
   */
  public StateDictMismatchException(String modelName, LoadReport report, @Nullable String source) {
    super(
        "state dict does not match model '"
            + modelName
            + "'"
            + (source == null ? "" : " (" + source + ")")
            + ":\n"
            + report.describe()
            + "\nUse strict: false to load the matching keys only, or rename keys with patterns_to_rename.");
    this.report = report;
  }

  public LoadReport report() {
    return report;
  }
}

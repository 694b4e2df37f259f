package ai.noether.api.model;

import ai.noether.api.NoetherException;

/** A strict load whose keys or shapes do not match; the message lists every difference at once. */
public class StateDictMismatchException extends NoetherException {
  private static final long serialVersionUID = 1L;
  private final transient LoadReport report;

  public StateDictMismatchException(String modelName, LoadReport report) {
    super("state dict does not match model '" + modelName + "':\n" + report.describe()
        + "\nUse strict: false to load the matching keys only, or rename keys with patterns_to_rename.");
    this.report = report;
  }

  public LoadReport report() {
    return report;
  }
}

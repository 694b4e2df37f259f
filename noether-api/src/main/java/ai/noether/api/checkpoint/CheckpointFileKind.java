package ai.noether.api.checkpoint;

/** The {@code _model}, {@code _optim} and {@code _trainer} suffixes of checkpoint files. */
public enum CheckpointFileKind {
  /** The model's state dict and metadata. */
  MODEL("model"),
  /** Optimizer state by parameter path, and the LR schedule state. */
  OPTIM("optim"),
  /** Counters, callback states, data position, the resolved config. */
  TRAINER("trainer");

  private final String suffix;

  CheckpointFileKind(String suffix) {
    this.suffix = suffix;
  }

  /** The word in the file name ({@code model}, {@code optim}, {@code trainer}). */
  public String suffix() {
    return suffix;
  }
}

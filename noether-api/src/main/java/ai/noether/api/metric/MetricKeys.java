package ai.noether.api.metric;

/**
 * The standard metric keys, the names every logger, callback and history file uses. A key has up to
 * three parts separated by {@code /}: what is measured, the split, and the target or head.
 */
public final class MetricKeys {
  /** The split trained on. */
  public static final String TRAIN = "train";

  /** The validation split. */
  public static final String VALID = "valid";

  /** The test split. */
  public static final String TEST = "test";

  /** The target part of the weighted sum of all heads' losses. */
  public static final String TOTAL = "total";

  /** The learning rate in force, logged with the training loss. */
  public static final String LEARNING_RATE = "lr";

  /** The L2 norm of all gradients of an update ({@code log_grad_norm: true}). */
  public static final String GRAD_NORM = "grad_norm";

  private MetricKeys() {}

  /** The total loss on a split: {@code loss/{split}/total}. */
  public static String totalLoss(String split) {
    return "loss/" + split + "/" + TOTAL;
  }

  /** One head's loss on a split: {@code loss/{split}/{target}}. */
  public static String loss(String split, String target) {
    return "loss/" + split + "/" + target;
  }

  /** The accuracy of a single-target classification step on a split: {@code accuracy/{split}}. */
  public static String accuracy(String split) {
    return "accuracy/" + split;
  }

  /** A metric of one head on a split: {@code {metric}/{split}/{target}}. */
  public static String metric(String metric, String split, String target) {
    return metric + "/" + split + "/" + target;
  }
}

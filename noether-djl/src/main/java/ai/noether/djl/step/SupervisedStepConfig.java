package ai.noether.djl.step;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The configuration of the {@code supervised} training step.
 *
 * <pre>{@code
 * trainer:
 *   kind: supervised
 *   loss: mse                # mse | l1 | huber | softmax-cross-entropy | sigmoid-bce (default mse)
 *   huber_delta: 1.0         # the huber loss's delta (default 1.0)
 *   eval_batch_size: 1024    # samples per forward pass when evaluating (default 1024)
 *   gather: auto             # auto | device | host: where batch rows are gathered (default auto)
 *   log_grad_norm: false     # also log grad_norm, the L2 norm of all gradients (default false)
 * }</pre>
 *
 * @param loss the loss name; never null after binding
 * @param huberDelta the huber delta, positive
 * @param evalBatchSize samples per evaluation forward pass, positive
 * @param gather {@code device} keeps a copy of each split on the device and gathers rows there,
 *     {@code host} copies rows from host memory for every batch, {@code auto} gathers on the host
 *     on the CPU and keeps splits up to 512 MiB on the device of a GPU
 * @param logGradNorm {@code log_grad_norm}: report {@link SupervisedStep#GRAD_NORM_METRIC}, the L2
 *     norm of all parameter gradients of each update (before any clipping), averaged over the
 *     logging interval like the loss; costs one reduction and one device-to-host copy per update
 */
public record SupervisedStepConfig(
    @JsonProperty("loss") String loss,
    @JsonProperty("huber_delta") Double huberDelta,
    @JsonProperty("eval_batch_size") Integer evalBatchSize,
    @JsonProperty("gather") String gather,
    @JsonProperty("log_grad_norm") Boolean logGradNorm) {

  public SupervisedStepConfig {
    loss = LossKind.parse(loss == null ? "mse" : loss).yamlName();
    huberDelta = huberDelta == null ? 1.0 : huberDelta;
    if (!(huberDelta > 0)) {
      throw new IllegalArgumentException("huber_delta must be positive, was " + huberDelta);
    }
    evalBatchSize = evalBatchSize == null ? 1024 : evalBatchSize;
    if (evalBatchSize <= 0) {
      throw new IllegalArgumentException("eval_batch_size must be positive, was " + evalBatchSize);
    }
    gather = BatchSource.Strategy.parse(gather == null ? "auto" : gather).name().toLowerCase(java.util.Locale.ROOT);
    logGradNorm = logGradNorm != null && logGradNorm;
  }

  /** A config without {@code log_grad_norm}, as before it existed. */
  public SupervisedStepConfig(String loss, Double huberDelta, Integer evalBatchSize, String gather) {
    this(loss, huberDelta, evalBatchSize, gather, null);
  }

  /** A config with this loss and defaults for everything else. */
  public static SupervisedStepConfig of(String loss) {
    return new SupervisedStepConfig(loss, null, null, null);
  }

  /** This config with another gather strategy ({@code auto}, {@code device} or {@code host}). */
  public SupervisedStepConfig withGather(String strategy) {
    return new SupervisedStepConfig(loss, huberDelta, evalBatchSize, strategy, logGradNorm);
  }

  /** The parsed loss. */
  public LossKind lossKind() {
    return LossKind.parse(loss);
  }
}

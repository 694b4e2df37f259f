package ai.noether.djl.step;

import ai.noether.api.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

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
 *   prefetch: true           # gather the next batches in the background: true (2 ahead), false or a count
 * }</pre>
 *
 * <p>With named fields and several heads ({@link TargetConfig}):
 *
 * <pre>{@code
 * trainer:
 *   kind: supervised
 *   inputs: [x]              # fields fed to the model, in order (default [features])
 *   targets:                 # target fields, each with its loss and weight (default {targets: {}})
 *     rul: {loss: mse, weight: 0.5, metrics: [rmse]}
 *     health: {loss: softmax-cross-entropy, weight: 0.5}
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
 * @param inputs the dataset fields the model gets, in order; null for {@code [features]}
 * @param targets the target fields in order, each with its loss, weight, head and metrics; null for
 *     one target {@code targets} with the step's loss, as before named fields existed
 * @param prefetch {@code true} (gather the next 2 batches in the background), {@code false}, or how
 *     many batches to gather ahead; null for {@code true}
 */
public record SupervisedStepConfig(
    @JsonProperty("loss") String loss,
    @JsonProperty("huber_delta") Double huberDelta,
    @JsonProperty("eval_batch_size") Integer evalBatchSize,
    @JsonProperty("gather") String gather,
    @JsonProperty("log_grad_norm") Boolean logGradNorm,
    @Nullable
        @JsonProperty("inputs")
        @JsonPropertyDescription("dataset fields fed to the model, in order (default [features])")
        List<String> inputs,
    @Nullable
        @JsonProperty("targets")
        @JsonPropertyDescription(
            "target fields, each {loss, weight, head, metrics}"
                + " (default: the field targets with the step's loss)")
        Map<String, TargetConfig> targets,
    @JsonProperty("prefetch")
        @JsonPropertyDescription(
            "true (2 batches ahead), false, or batches gathered ahead"
                + " in the background (default true)")
        Object prefetch) {

  /** Batches gathered ahead with {@code prefetch: true} or without the key. */
  public static final int DEFAULT_PREFETCH = 2;

  /** The most batches {@code prefetch} may gather ahead. */
  public static final int MAX_PREFETCH = 64;

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
    gather =
        BatchSource.Strategy.parse(gather == null ? "auto" : gather)
            .name()
            .toLowerCase(java.util.Locale.ROOT);
    logGradNorm = logGradNorm != null && logGradNorm;
    if (inputs != null) {
      if (inputs.isEmpty()) {
        throw new IllegalArgumentException(
            "inputs must name at least one dataset field, e.g. inputs: [x]");
      }
      for (String name : inputs) {
        if (name == null || name.isBlank()) {
          throw new IllegalArgumentException("inputs must be field names, got " + inputs);
        }
      }
      inputs = List.copyOf(inputs);
    }
    if (targets != null) {
      if (targets.isEmpty()) {
        throw new IllegalArgumentException(
            "targets must name at least one dataset field, e.g. targets: {y: {loss: mse}}");
      }
      Map<String, TargetConfig> copy = new LinkedHashMap<>();
      targets.forEach(
          (name, target) ->
              copy.put(name, target == null ? new TargetConfig(null, null, null, null) : target));
      targets = java.util.Collections.unmodifiableMap(copy);
    }
    prefetch = prefetchDepth(prefetch);
  }

  /** A config without {@code log_grad_norm}, as before it existed. */
  // The canonical constructor replaces a null of every optional component by its default (as it
  // does for keys a configuration leaves out): NullAway cannot see that these components are
  // nullable only until then.
  @SuppressWarnings("NullAway")
  public SupervisedStepConfig(
      String loss, Double huberDelta, Integer evalBatchSize, String gather) {
    this(loss, huberDelta, evalBatchSize, gather, null);
  }

  /** A config without named fields and prefetch settings, as before they existed. */
  // The canonical constructor replaces a null of every optional component by its default (as it
  // does for keys a configuration leaves out): NullAway cannot see that these components are
  // nullable only until then.
  @SuppressWarnings("NullAway")
  public SupervisedStepConfig(
      String loss, Double huberDelta, Integer evalBatchSize, String gather, Boolean logGradNorm) {
    this(loss, huberDelta, evalBatchSize, gather, logGradNorm, null, null, null);
  }

  private static int prefetchDepth(Object value) {
    if (value == null || Boolean.TRUE.equals(value)) {
      return DEFAULT_PREFETCH;
    }
    if (Boolean.FALSE.equals(value)) {
      return 0;
    }
    String text = value.toString().strip().toLowerCase(Locale.ROOT);
    if (value instanceof String) {
      if (text.equals("true")) {
        return DEFAULT_PREFETCH;
      }
      if (text.equals("false")) {
        return 0;
      }
    }
    if ((value instanceof Integer || value instanceof Long || value instanceof String)
        && text.matches("\\d{1,9}")) {
      int depth = Integer.parseInt(text);
      if (depth <= MAX_PREFETCH) {
        return depth;
      }
    }
    throw new IllegalArgumentException(
        "prefetch must be true, false or a number of batches from 0 to "
            + MAX_PREFETCH
            + " to gather ahead, was '"
            + value
            + "'");
  }

  /** Batches gathered ahead in the background; 0 when prefetching is off. */
  public int prefetchDepth() {
    return (Integer) prefetch;
  }

  /**
   * True when neither {@code inputs} nor {@code targets} is set: one features and one targets
   * field.
   */
  public boolean usesTensorFields() {
    return inputs == null && targets == null;
  }

  /** The input fields, {@code [features]} by default. */
  public List<String> inputFields() {
    return inputs == null ? List.of(ai.noether.api.data.TensorDataset.FEATURES) : inputs;
  }

  /**
   * The targets in order with their losses resolved: the step's {@code loss} where a target names
   * none, weight 1.0 and head the target's name by default.
   */
  public List<TargetSpec> targetSpecs() {
    Map<String, TargetConfig> t =
        targets == null
            ? Map.of(
                ai.noether.api.data.TensorDataset.TARGETS, new TargetConfig(null, null, null, null))
            : targets;
    List<TargetSpec> specs = new ArrayList<>();
    t.forEach(
        (name, target) ->
            specs.add(
                new TargetSpec(
                    name,
                    target.head() == null ? name : target.head(),
                    LossKind.parse(target.loss() == null ? loss : target.loss()),
                    target.weight() == null ? 1.0 : target.weight(),
                    Objects.requireNonNullElse(target.metrics(), List.of()))));
    return specs;
  }

  /**
   * One target as the step uses it.
   *
   * @param field the target field
   * @param head the model output it is compared with
   * @param loss its loss
   * @param weight its factor in the total loss
   * @param metrics its metric entries (kind names or blocks), unresolved
   */
  public record TargetSpec(
      String field, String head, LossKind loss, double weight, List<Object> metrics) {}

  /** A config with this loss and defaults for everything else. */
  // The canonical constructor replaces a null of every optional component by its default (as it
  // does for keys a configuration leaves out): NullAway cannot see that these components are
  // nullable only until then.
  @SuppressWarnings("NullAway")
  public static SupervisedStepConfig of(String loss) {
    return new SupervisedStepConfig(loss, null, null, null);
  }

  /** This config with another gather strategy ({@code auto}, {@code device} or {@code host}). */
  public SupervisedStepConfig withGather(String strategy) {
    return new SupervisedStepConfig(
        loss, huberDelta, evalBatchSize, strategy, logGradNorm, inputs, targets, prefetch);
  }

  /** This config with another {@code eval_batch_size}. */
  public SupervisedStepConfig withEvalBatchSize(int samples) {
    return new SupervisedStepConfig(
        loss, huberDelta, samples, gather, logGradNorm, inputs, targets, prefetch);
  }

  /** This config with named input and target fields. */
  public SupervisedStepConfig withFields(
      List<String> inputFields, Map<String, TargetConfig> targetFields) {
    return new SupervisedStepConfig(
        loss, huberDelta, evalBatchSize, gather, logGradNorm, inputFields, targetFields, prefetch);
  }

  /** This config with {@code prefetch} batches gathered ahead (0: off). */
  public SupervisedStepConfig withPrefetch(int depth) {
    return new SupervisedStepConfig(
        loss, huberDelta, evalBatchSize, gather, logGradNorm, inputs, targets, depth);
  }

  /** The parsed loss. */
  public LossKind lossKind() {
    return LossKind.parse(loss);
  }
}

package ai.noether.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.noether.api.ConfigException;
import ai.noether.api.model.Model;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.tensor.HostTensor;
import ai.noether.djl.internal.GradMode;
import ai.noether.djl.internal.Gradients;
import ai.noether.djl.model.DjlModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The machinery every DJL optimizer shares: one {@link ParameterSlot} per trainable parameter of a
 * {@link DjlModel} (with its learning-rate factor, weight decay and buffers), gradient clipping,
 * per-step scoping of temporaries, and the export and import of the state by parameter path. A kind
 * supplies its update rule ({@link #update}) and the names of its state.
 *
 * <p><b>State layout.</b> {@link #state()} returns
 *
 * <pre>
 * kind:         "adamw"
 * state:        {parameter path: {step: Long, exp_avg: HostTensor, ...}}   (parameters with state only)
 * param_groups: [{params: [paths], lr: ..., weight_decay: ..., ...}]      (checked, not loaded)
 * </pre>
 *
 * The buffer names are PyTorch's ({@code exp_avg}, {@code exp_avg_sq}, {@code momentum_buffer});
 * only the keys differ, paths instead of positions (the checkpoint files store it in PyTorch's own
 * layout, converted by the core). {@link #loadState} replaces the state of every parameter:
 * parameters absent from the loaded state start fresh. Hyperparameters always come from the
 * configuration, so a resumed run may change them; the way the parameters are grouped may not.
 *
 * <p>Not thread-safe: the training thread steps and snapshots it.
 */
public abstract class DjlOptimizer implements Optimizer {
  private final String kind;
  private final OptimizerSettings settings;
  private final GradientClipping clipping;
  private final ParameterSlots slots;

  /**
   * Sets up slots for the trainable parameters of {@code model}.
   *
   * @throws IllegalArgumentException if the model is not a {@link DjlModel} or a {@code
   *     param_groups} pattern matches nothing
   */
  protected DjlOptimizer(String kind, Model model, OptimizerSettings settings) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.settings = Objects.requireNonNull(settings, "settings");
    if (!(model instanceof DjlModel djl)) {
      throw new IllegalArgumentException(
          "optimizer '"
              + kind
              + "' updates models built by noether-djl (DjlModel); model '"
              + model.name()
              + "' is a "
              + model.getClass().getName());
    }
    this.slots = new ParameterSlots(kind, djl, settings);
    this.clipping = new GradientClipping(settings.clipGradNorm(), settings.clipGradValue());
  }

  @Override
  public final String kind() {
    return kind;
  }

  @Override
  public final double baseLearningRate() {
    return settings.lr();
  }

  /** The shared settings. */
  public final OptimizerSettings settings() {
    return settings;
  }

  /** How each parameter was assigned its learning-rate factor and weight decay. */
  public final ParameterGroups parameterGroups() {
    return slots.groups();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Parameters whose gradient was never computed are skipped. Every temporary array is freed
   * before this returns.
   *
   * @throws IllegalArgumentException if {@code learningRate} is negative or not finite
   */
  @Override
  public final void step(double learningRate) {
    step(learningRate, 1);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Divides each gradient by {@code accumulatedBatches} in place, then clips and updates as
   * {@link #step(double)} does.
   */
  @Override
  public final void step(double learningRate, int accumulatedBatches) {
    if (!(learningRate >= 0 && Double.isFinite(learningRate))) {
      throw new IllegalArgumentException(
          kind + " learning rate must be finite and non-negative, was " + learningRate);
    }
    if (accumulatedBatches < 1) {
      throw new IllegalArgumentException(
          "accumulated batches must be at least 1, was " + accumulatedBatches);
    }
    GradMode.withoutRecording(
        () -> {
          try (NDScope scope = new NDScope()) {
            List<ParameterSlot> active = new ArrayList<>(slots.all().size());
            List<NDArray> gradients = new ArrayList<>(slots.all().size());
            for (ParameterSlot slot : slots.all()) {
              NDArray g = Gradients.gradientOrNull(slot.weight());
              if (g != null) {
                active.add(slot);
                gradients.add(g);
              }
            }
            if (accumulatedBatches > 1) {
              for (NDArray g : gradients) {
                g.divi(accumulatedBatches);
              }
            }
            float scale = clipping.apply(gradients);
            for (int i = 0; i < active.size(); i++) {
              ParameterSlot slot = active.get(i);
              update(slot, gradients.get(i), scale, learningRate * slot.lrFactor());
            }
            scope.suppressNotUsedWarning();
          }
        });
  }

  @Override
  public final boolean accumulatesGradients() {
    return true;
  }

  @Override
  public final Map<String, HostTensor> gradients() {
    return AccumulatedGradients.toHost(slots);
  }

  /**
   * {@inheritDoc}
   *
   * <p>A parameter that has no gradient yet (a fresh process) gets one through a backward pass of
   * the sum of its values, which is then overwritten with the saved values, so the values are
   * copied bit for bit.
   */
  @Override
  public final void loadGradients(Map<String, HostTensor> gradients) {
    AccumulatedGradients.load(kind, slots, gradients);
  }

  /**
   * Applies one update to one parameter and clears its gradient. Runs with autograd off inside an
   * {@code NDScope}: arrays created here are freed after the step unless stored with {@link
   * ParameterSlot#putBuffer} or {@link ParameterSlot#bufferOrZeros}.
   *
   * @param gradient the (possibly value-clipped) gradient; may be the parameter's own gradient
   * @param gradientScale factor from norm clipping, to multiply the gradient by (1 for none)
   * @param learningRate this parameter's learning rate for this update
   */
  protected abstract void update(
      ParameterSlot slot, NDArray gradient, float gradientScale, double learningRate);

  /** The names of the buffers a parameter's state holds once it has been updated, in order. */
  protected abstract List<String> bufferNames();

  /** True when the state holds a per-parameter {@code step} count. */
  protected abstract boolean countsSteps();

  /** Hyperparameters of this kind written into each exported parameter group. */
  protected abstract Map<String, Object> hyperparameters();

  @Override
  public final Map<String, Object> state() {
    return OptimizerStateExport.of(
        kind,
        slots,
        countsSteps(),
        SavedParamGroups.describe(slots.groups(), settings.lr(), hyperparameters()));
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the state was written by another kind, names a parameter
   *     this optimizer does not train, or holds a buffer of the wrong shape, listing every problem;
   *     nothing is changed then
   * @throws ConfigException if its {@code param_groups} group the parameters otherwise than this
   *     optimizer's {@code param_groups} and {@code no_weight_decay} do (as PyTorch refuses groups
   *     that do not match); nothing is changed then
   */
  @Override
  public final void loadState(Map<String, Object> state) {
    new OptimizerStateImport(kind, slots, bufferNames(), countsSteps()).load(state);
  }
}

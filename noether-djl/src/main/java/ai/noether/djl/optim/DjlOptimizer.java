package ai.noether.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.noether.api.ConfigException;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.model.Model;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.djl.internal.GradMode;
import ai.noether.djl.internal.Gradients;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.tensor.DTypes;
import ai.noether.djl.tensor.HostTransfer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The machinery every DJL optimizer shares: one {@link Slot} per trainable parameter of a {@link
 * DjlModel} (with its learning-rate factor, weight decay and buffers), gradient clipping, per-step
 * scoping of temporaries, and the export and import of the state by parameter path.
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
  private final ParameterGroups groups;
  private final List<Slot> slots = new ArrayList<>();
  private final Map<String, Slot> slotsByPath = new LinkedHashMap<>();

  /** The optimizer's view of one trainable parameter. */
  protected static final class Slot {
    private final String path;
    private final NDArray weight;
    private final double lrFactor;
    private final double weightDecay;
    private long step;
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();

    Slot(String path, NDArray weight, double lrFactor, double weightDecay) {
      this.path = path;
      this.weight = weight;
      this.lrFactor = lrFactor;
      this.weightDecay = weightDecay;
    }

    /** The parameter's path. */
    public String path() {
      return path;
    }

    /** The parameter itself. */
    public NDArray weight() {
      return weight;
    }

    /** This parameter's weight decay (after {@code param_groups} and {@code no_weight_decay}). */
    public double weightDecay() {
      return weightDecay;
    }

    /** Updates applied to this parameter so far. */
    public long step() {
      return step;
    }

    /** Counts one more update and returns the new count. */
    public long incrementStep() {
      return ++step;
    }

    /** A buffer, or null if it does not exist yet. */
    public NDArray buffer(String name) {
      return buffers.get(name);
    }

    /**
     * The buffer, created as zeros like the parameter on first use. It belongs to the slot, not to
     * the step's scope.
     */
    public NDArray bufferOrZeros(String name) {
      NDArray b = buffers.get(name);
      if (b == null) {
        b = keep(weight.zerosLike());
        buffers.put(name, b);
      }
      return b;
    }

    /** Stores {@code value} (taking ownership, out of the step's scope) as a buffer. */
    public void putBuffer(String name, NDArray value) {
      NDArray old = buffers.put(name, keep(value));
      if (old != null && old != value) {
        old.close();
      }
    }

    boolean hasState() {
      return step > 0 || !buffers.isEmpty();
    }

    void reset() {
      buffers.values().forEach(NDArray::close);
      buffers.clear();
      step = 0;
    }

    private static NDArray keep(NDArray array) {
      NDScope.unregister(array);
      return array;
    }
  }

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
    List<String> trainable = new ArrayList<>();
    djl.djlParameters()
        .forEach(
            (path, p) -> {
              if (p.requiresGradient()) {
                trainable.add(path);
              }
            });
    this.groups = ParameterGroups.resolve(kind, trainable, settings);
    for (String path : trainable) {
      Parameter p = djl.djlParameters().get(path);
      ParameterGroups.Assignment a = groups.of(path);
      Slot slot = new Slot(path, p.getArray(), a.lrFactor(), a.weightDecay());
      slots.add(slot);
      slotsByPath.put(path, slot);
    }
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
    return groups;
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
            List<Slot> active = new ArrayList<>(slots.size());
            List<NDArray> gradients = new ArrayList<>(slots.size());
            for (Slot slot : slots) {
              NDArray g = Gradients.gradientOrNull(slot.weight);
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
              Slot slot = active.get(i);
              update(slot, gradients.get(i), scale, learningRate * slot.lrFactor);
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
    Map<String, HostTensor> out = new LinkedHashMap<>();
    GradMode.withoutRecording(
        () -> {
          try (NDScope scope = new NDScope()) {
            for (Slot slot : slots) {
              NDArray g = Gradients.gradientOrNull(slot.weight);
              if (g != null) {
                out.put(slot.path, HostTransfer.toHost(g));
              }
            }
            scope.suppressNotUsedWarning();
          }
        });
    return out;
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
    List<String> problems = new ArrayList<>();
    gradients.forEach(
        (path, host) -> {
          Slot slot = slotsByPath.get(path);
          if (slot == null) {
            problems.add("'" + path + "' is not a parameter this optimizer trains");
          } else if (!Arrays.equals(host.shape(), slot.weight.getShape().getShape())
              || host.dtype() != DTypes.of(slot.weight.getDataType())) {
            problems.add(
                "the gradient of '"
                    + path
                    + "' is "
                    + describe(host.dtype(), host.shape())
                    + " but the parameter is "
                    + describe(
                        DTypes.of(slot.weight.getDataType()), slot.weight.getShape().getShape()));
          }
        });
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "saved gradients do not fit this "
              + kind
              + " optimizer:\n  - "
              + String.join("\n  - ", problems)
              + "\ntrainable parameters: "
              + slotsByPath.keySet());
    }
    List<Slot> without = new ArrayList<>();
    for (Slot slot : slots) {
      if (gradients.containsKey(slot.path)) {
        try (NDArray g = Gradients.gradientOrNull(slot.weight)) {
          if (g == null) {
            without.add(slot);
          }
        }
      }
    }
    if (!without.isEmpty()) {
      try (NDScope scope = new NDScope();
          ai.djl.training.GradientCollector collector =
              ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        NDArray total = null;
        for (Slot slot : without) {
          NDArray sum = slot.weight.sum();
          total = total == null ? sum : total.add(sum);
        }
        collector.backward(total);
        scope.suppressNotUsedWarning();
      }
    }
    GradMode.withoutRecording(
        () -> {
          try (NDScope scope = new NDScope()) {
            for (Slot slot : slots) {
              HostTensor host = gradients.get(slot.path);
              if (host != null) {
                HostTransfer.copyInto(host, Gradients.gradientOrNull(slot.weight));
              } else {
                Gradients.zero(slot.weight);
              }
            }
            scope.suppressNotUsedWarning();
          }
        });
  }

  /**
   * Applies one update to one parameter and clears its gradient. Runs with autograd off inside an
   * {@code NDScope}: arrays created here are freed after the step unless stored with {@link
   * Slot#putBuffer} or {@link Slot#bufferOrZeros}.
   *
   * @param gradient the (possibly value-clipped) gradient; may be the parameter's own gradient
   * @param gradientScale factor from norm clipping, to multiply the gradient by (1 for none)
   * @param learningRate this parameter's learning rate for this update
   */
  protected abstract void update(
      Slot slot, NDArray gradient, float gradientScale, double learningRate);

  /** The names of the buffers a parameter's state holds once it has been updated, in order. */
  protected abstract List<String> bufferNames();

  /** True when the state holds a per-parameter {@code step} count. */
  protected abstract boolean countsSteps();

  /** Hyperparameters of this kind written into each exported parameter group. */
  protected abstract Map<String, Object> hyperparameters();

  @Override
  public final Map<String, Object> state() {
    Map<String, Object> perParameter = new LinkedHashMap<>();
    for (Slot slot : slots) {
      if (!slot.hasState()) {
        continue;
      }
      Map<String, Object> s = new LinkedHashMap<>();
      if (countsSteps()) {
        s.put(CheckpointKeys.STEP, slot.step);
      }
      // Staged when the checkpoint writer takes a snapshot: the copy is written once and dropped.
      slot.buffers.forEach((name, array) -> s.put(name, HostTransfer.toStagedHost(array)));
      perParameter.put(slot.path, s);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(CheckpointKeys.OPTIMIZER_KIND, kind);
    out.put(CheckpointKeys.OPTIMIZER_STATE, perParameter);
    out.put(CheckpointKeys.PARAM_GROUPS, describeGroups());
    return out;
  }

  private List<Object> describeGroups() {
    Map<String, Map<String, Object>> byGroup = new LinkedHashMap<>();
    for (ParameterGroups.Assignment a : groups.all()) {
      Map<String, Object> g =
          byGroup.computeIfAbsent(
              a.group(),
              name -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(CheckpointKeys.PARAMS, new ArrayList<Object>());
                m.put(CheckpointKeys.LR, settings.lr() * a.lrFactor());
                m.put(CheckpointKeys.WEIGHT_DECAY, a.weightDecay());
                m.putAll(hyperparameters());
                return m;
              });
      @SuppressWarnings("unchecked")
      List<Object> params = (List<Object>) g.get(CheckpointKeys.PARAMS);
      params.add(a.path());
    }
    return new ArrayList<>(byGroup.values());
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
    Object writtenBy = state.get(CheckpointKeys.OPTIMIZER_KIND);
    if (writtenBy != null && !kind.equals(writtenBy)) {
      throw new IllegalArgumentException(
          "optimizer state was written by '"
              + writtenBy
              + "' but this optimizer is '"
              + kind
              + "'; resume with the same optimizer kind, or start the optimizer fresh");
    }
    Object perParameterObject = state.get(CheckpointKeys.OPTIMIZER_STATE);
    if (!(perParameterObject instanceof Map<?, ?> perParameter)) {
      throw new IllegalArgumentException(
          "optimizer state has no '" + CheckpointKeys.OPTIMIZER_STATE + "' map");
    }
    // Validate everything first so that a bad state leaves the optimizer untouched.
    List<String> problems = new ArrayList<>();
    for (Map.Entry<?, ?> e : perParameter.entrySet()) {
      String path = String.valueOf(e.getKey());
      Slot slot = slotsByPath.get(path);
      if (slot == null) {
        problems.add("it has an entry for '" + path + "', which this model does not train");
      } else if (!(e.getValue() instanceof Map<?, ?> entry)) {
        problems.add("the entry of '" + path + "' is not a map");
      } else {
        validate(slot, entry, problems);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "optimizer state does not fit this "
              + kind
              + " optimizer:\n  - "
              + String.join("\n  - ", problems)
              + "\ntrainable parameters: "
              + slotsByPath.keySet());
    }
    checkGroups(state.get(CheckpointKeys.PARAM_GROUPS));
    try (NDScope scope = new NDScope()) {
      List<Slot> targets = new ArrayList<>();
      List<String> names = new ArrayList<>();
      List<HostTensor> hosts = new ArrayList<>();
      List<NDManager> managers = new ArrayList<>();
      for (Slot slot : slots) {
        Map<?, ?> entry = (Map<?, ?>) perParameter.get(slot.path);
        for (String name : entry == null ? List.<String>of() : bufferNames()) {
          if (entry.get(name) instanceof HostTensor host) {
            targets.add(slot);
            names.add(name);
            hosts.add(host);
            managers.add(slot.weight.getManager());
          }
        }
      }
      // All copies first (on several threads): a failure there leaves the optimizer as it was.
      List<NDArray> arrays = HostTransfer.toNDArrays(hosts, managers);
      for (Slot slot : slots) {
        slot.reset();
        Map<?, ?> entry = (Map<?, ?>) perParameter.get(slot.path);
        if (entry != null && countsSteps()) {
          slot.step = ((Number) entry.get(CheckpointKeys.STEP)).longValue();
        }
      }
      for (int i = 0; i < arrays.size(); i++) {
        targets.get(i).putBuffer(names.get(i), arrays.get(i));
      }
      scope.suppressNotUsedWarning();
    }
  }

  /**
   * Refuses saved groups that partition the parameters otherwise than the configuration: the
   * grouping is what a PyTorch user rebuilds to load the file, and a silent regrouping would change
   * which parameters decay or get which learning rate. Group order and hyper-parameters may differ.
   */
  private void checkGroups(Object savedGroups) {
    if (!(savedGroups instanceof List<?> list)) {
      return; // states from before groups were recorded
    }
    Set<Set<String>> saved = new LinkedHashSet<>();
    List<String> savedText = new ArrayList<>();
    for (Object g : list) {
      if (!(g instanceof Map<?, ?> group)
          || !(group.get(CheckpointKeys.PARAMS) instanceof List<?> params)) {
        throw new IllegalArgumentException(
            "optimizer state: every param_groups entry needs a params list, found " + g);
      }
      Set<String> paths = new LinkedHashSet<>();
      params.forEach(p -> paths.add(String.valueOf(p)));
      if (!paths.isEmpty()) {
        saved.add(paths);
        savedText.add(paths.toString() + describeSettings(group));
      }
    }
    Map<String, Set<String>> configured = new LinkedHashMap<>();
    for (ParameterGroups.Assignment a : groups.all()) {
      configured.computeIfAbsent(a.group(), k -> new LinkedHashSet<>()).add(a.path());
    }
    if (!saved.equals(new LinkedHashSet<>(configured.values()))) {
      List<String> configuredText = new ArrayList<>();
      configured.forEach((name, paths) -> configuredText.add(name + " " + paths));
      throw new ConfigException(
          "the checkpoint's "
              + kind
              + " state groups the parameters otherwise than this"
              + " configuration's param_groups and no_weight_decay:\n  checkpoint: "
              + String.join("\n              ", savedText)
              + "\n  configured: "
              + String.join("\n              ", configuredText)
              + "\nConfigure the groups the checkpoint was trained with (their lr and weight_decay may change).");
    }
  }

  private static String describeSettings(Map<?, ?> group) {
    StringBuilder sb = new StringBuilder();
    for (String key : List.of(CheckpointKeys.LR, CheckpointKeys.WEIGHT_DECAY)) {
      if (group.get(key) != null) {
        sb.append(sb.length() == 0 ? " (" : ", ").append(key).append(' ').append(group.get(key));
      }
    }
    return sb.length() == 0 ? "" : sb.append(')').toString();
  }

  private void validate(Slot slot, Map<?, ?> entry, List<String> problems) {
    if (countsSteps() && !(entry.get(CheckpointKeys.STEP) instanceof Number)) {
      problems.add(
          "the entry of '" + slot.path + "' has no step count ('" + CheckpointKeys.STEP + "')");
    }
    for (Object key : entry.keySet()) {
      if (!bufferNames().contains(String.valueOf(key))
          && !(countsSteps() && CheckpointKeys.STEP.equals(key))) {
        problems.add(
            "the entry of '"
                + slot.path
                + "' has an unknown key '"
                + key
                + "'; "
                + kind
                + " keeps "
                + (countsSteps() ? CheckpointKeys.STEP + ", " : "")
                + String.join(", ", bufferNames()));
      }
    }
    long[] shape = slot.weight.getShape().getShape();
    DType dtype = DTypes.of(slot.weight.getDataType());
    for (String name : bufferNames()) {
      Object value = entry.get(name);
      if (value == null) {
        continue;
      }
      if (!(value instanceof HostTensor host)) {
        problems.add("'" + name + "' of '" + slot.path + "' is not a tensor");
      } else if (!Arrays.equals(host.shape(), shape) || host.dtype() != dtype) {
        problems.add(
            "'"
                + name
                + "' of '"
                + slot.path
                + "' is "
                + describe(host.dtype(), host.shape())
                + " but the parameter is "
                + describe(dtype, shape));
      }
    }
  }

  private static String describe(DType dtype, long[] shape) {
    return dtype.name().toLowerCase(Locale.ROOT) + Arrays.toString(shape);
  }
}

package ai.noether.callbacks.ema;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.CheckpointWriter;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.model.Model;
import ai.noether.api.model.ModelSnapshot;
import ai.noether.api.state.Stateful;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.tensor.Tensor;
import ai.noether.callbacks.internal.StateValues;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an exponential moving average of every model's weights for each configured factor: after
 * every N-th update, {@code shadow += (1 - factor) * (weight - shadow)}, computed by the engine on
 * the weights' device ({@link Tensor#lerpInPlace}); no Java loop touches the elements. Floating
 * point tensors are averaged; integer buffers (counters) are copied.
 *
 * <p><b>Files.</b> Every resumable checkpoint the trainer writes (periodic, {@code latest}, {@code
 * last}, emergency) gets one extra model file per model and factor, {@code
 * {model}_ema={factor}_cp={checkpoint}_model.th}, with the factor written in its shortest plain
 * decimal form ({@code ema=0.9999}, see {@link #modelInfo(double)}).
 *
 * <p><b>Resume.</b> The shadow weights, the number of EMA steps and the update of the last step are
 * this callback's state (state key {@value #STATE_KEY}); a resumed run continues the averages bit
 * for bit. A factor added to the config since the checkpoint starts from the current weights (with
 * a warning); a factor removed is dropped.
 *
 * <p><b>Evaluation.</b> With {@code evaluate: true}, after each evaluation the weights of each
 * factor are copied into the model in turn, the validation split is evaluated, the results are
 * logged as {@code <metric>/ema=<factor>} (e.g. {@code loss/valid/total/ema=0.9999}) and the
 * training weights are copied back exactly. While those metrics are logged the model holds the EMA
 * weights that produced them, so a {@code best-checkpoint} watching {@code
 * loss/valid/total/ema=0.9999} saves the EMA weights.
 *
 * <p><b>Order.</b> The trainer evaluates before it calls {@code afterUpdate}; the EMA step of an
 * update happens at the first of the two hooks, so an evaluation of the EMA weights at update U
 * sees the average including U. Each update is averaged at most once.
 *
 * <p><b>Memory.</b> The host copies of the shadows that checkpoints write are refreshed in place,
 * in buffers this callback allocates at the first save: saving EMA weights a thousand times takes
 * the memory of saving them once. Before it overwrites them it waits for the saves still writing
 * them ({@code CheckpointWriter.flush}); at a periodic save the writer has already waited for the
 * previous save, so this costs at most the deletions queued behind it.
 *
 * <p>Not thread-safe: used on the training thread. Owns the shadow tensors: they are released at
 * the end of training (after a host copy is taken for the final checkpoint) or by {@link #close()}.
 */
public final class EmaCallback implements Callback, Stateful, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmaCallback.class);

  /** The state key in {@code _trainer.th}. */
  public static final String STATE_KEY = "ema";

  /** The model info prefix: {@code ema=0.9999}. */
  public static final String MODEL_INFO_PREFIX = "ema=";

  static final String FACTORS = "target_factors";
  static final String STEPS = "steps";
  static final String LAST_UPDATE = "last_update";
  static final String SHADOWS = "shadows";

  private final EmaCallbackConfig config;
  private final List<String> infos = new ArrayList<>();

  /** Model name → one shadow state dict per factor (config order); empty until training starts. */
  private final Map<String, List<Map<String, Tensor>>> shadows = new LinkedHashMap<>();

  /** Saved shadows (model → model info → state dict) waiting for {@link #beforeTraining}. */
  private @Nullable Map<String, Map<String, Map<String, HostTensor>>> restored;

  /** Copies of the training weights while EMA weights are swapped in; created on first use. */
  private final Map<String, Map<String, Tensor>> backups = new LinkedHashMap<>();

  private long steps;
  private long lastStepUpdate = -1;

  /** Bumped whenever a shadow changes, so host copies taken at one version can be reused. */
  private long version;

  private long hostVersion = -1;
  private @Nullable Map<String, Map<String, Map<String, HostTensor>>> hostCopy;

  /**
   * The host memory {@link #hostCopy} lives in, by model, info and path: refreshed in place from
   * save to save, so that saving EMA weights a thousand times allocates what saving them once does.
   */
  private final Map<List<String>, ByteBuffer> hostBuffers = new HashMap<>();

  private long hostAllocations;

  /**
   * The run's checkpoints, to wait for a save still writing {@link #hostBuffers}; null before
   * training.
   */
  private @Nullable CheckpointWriter checkpoints;

  public EmaCallback(EmaCallbackConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    for (double f : config.targetFactors()) {
      infos.add(modelInfo(f));
    }
  }

  /**
   * The model info of a factor's files: {@code ema=} plus the factor in its shortest plain decimal
   * form ({@code 0.9999 → ema=0.9999}, {@code 0.5 → ema=0.5}, never an exponent).
   */
  public static String modelInfo(double factor) {
    return MODEL_INFO_PREFIX + BigDecimal.valueOf(factor).stripTrailingZeros().toPlainString();
  }

  /** The key an EMA evaluation result is logged under: {@code <metric>/ema=<factor>}. */
  public static String metricKey(String metric, double factor) {
    return metric + "/" + modelInfo(factor);
  }

  @Override
  public String stateKey() {
    return STATE_KEY;
  }

  /** Creates the shadows: from the restored state after a resume, else from the current weights. */
  @Override
  public void beforeTraining(TrainingContext context) {
    checkpoints = context.checkpoints();
    if (!shadows.isEmpty()) {
      return;
    }
    if (restored == null) {
      lastStepUpdate = context.iteration().update();
    }
    for (Model model : context.models().values()) {
      Map<String, Tensor> params = model.parameters();
      Map<String, Map<String, HostTensor>> saved =
          restored == null ? null : restored.get(model.name());
      List<Map<String, Tensor>> perFactor = new ArrayList<>();
      for (String info : infos) {
        Map<String, HostTensor> savedShadow = saved == null ? null : saved.get(info);
        if (restored != null && savedShadow == null) {
          LOG.warn(
              "the checkpoint has no EMA weights for model '{}' with {}; they start from the current weights",
              model.name(),
              info);
        }
        perFactor.add(createShadow(model.name(), info, params, savedShadow));
      }
      shadows.put(model.name(), perFactor);
    }
    if (restored != null) {
      for (String name : restored.keySet()) {
        if (!context.models().containsKey(name)) {
          LOG.warn(
              "the checkpoint has EMA weights for model '{}', which this run does not have; they are dropped",
              name);
        }
      }
    }
    restored = null;
    version++;
  }

  private static Map<String, Tensor> createShadow(
      String modelName,
      String info,
      Map<String, Tensor> params,
      @Nullable Map<String, HostTensor> saved) {
    if (saved != null && !saved.keySet().equals(params.keySet())) {
      Set<String> missing = new LinkedHashSet<>(params.keySet());
      missing.removeAll(saved.keySet());
      Set<String> unexpected = new LinkedHashSet<>(saved.keySet());
      unexpected.removeAll(params.keySet());
      throw new IllegalArgumentException(
          "the saved EMA weights ("
              + info
              + ") of model '"
              + modelName
              + "' do not match the model: missing "
              + missing
              + ", unexpected "
              + unexpected);
    }
    Map<String, Tensor> shadow = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Tensor> p : params.entrySet()) {
        Tensor copy = p.getValue().duplicate();
        shadow.put(p.getKey(), copy);
        if (saved != null) {
          try {
            // the key sets were compared above
            copy.copyFrom(Objects.requireNonNull(saved.get(p.getKey()), p.getKey()));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "the saved EMA weights ("
                    + info
                    + ") of model '"
                    + modelName
                    + "' do not fit parameter '"
                    + p.getKey()
                    + "': "
                    + e.getMessage(),
                e);
          }
        }
      }
    } catch (RuntimeException e) {
      shadow.values().forEach(Tensor::close);
      throw e;
    }
    return shadow;
  }

  @Override
  public void afterUpdate(TrainingContext context) {
    step(context);
  }

  @Override
  public void afterEvaluation(TrainingContext context, Map<String, Double> metrics) {
    step(context);
    if (config.evaluate()) {
      evaluateShadows(context);
    }
  }

  /** Applies the EMA step of the current update, unless it is not due or already applied. */
  private void step(TrainingContext context) {
    long update = context.iteration().update();
    if (update == lastStepUpdate || update % config.everyNUpdates() != 0) {
      return;
    }
    if (shadows.isEmpty()) {
      beforeTraining(context);
    }
    for (Map.Entry<String, List<Map<String, Tensor>>> m : shadows.entrySet()) {
      Map<String, Tensor> params = model(context, m.getKey()).parameters();
      for (int i = 0; i < infos.size(); i++) {
        double weight = 1 - factor(i);
        for (Map.Entry<String, Tensor> s : m.getValue().get(i).entrySet()) {
          // the shadow was created from these parameters
          Tensor param = Objects.requireNonNull(params.get(s.getKey()), s.getKey());
          if (param.dtype().isFloatingPoint()) {
            s.getValue().lerpInPlace(param, weight);
          } else {
            s.getValue().copyFrom(param);
          }
        }
      }
    }
    steps++;
    lastStepUpdate = update;
    version++;
  }

  /** The factor of EMA step number {@link #steps} for factor {@code i}. */
  private double factor(int i) {
    double target = config.targetFactors().get(i);
    if (!config.warmup()) {
      return target;
    }
    return Math.min(target, (1.0 + steps) / (10.0 + steps));
  }

  private void evaluateShadows(TrainingContext context) {
    Map<String, Map<String, Tensor>> params = new LinkedHashMap<>();
    for (String name : shadows.keySet()) {
      Map<String, Tensor> p = model(context, name).parameters();
      params.put(name, p);
      Map<String, Tensor> backup = backups.computeIfAbsent(name, n -> new LinkedHashMap<>());
      for (Map.Entry<String, Tensor> e : p.entrySet()) {
        Tensor b = backup.get(e.getKey());
        if (b == null) {
          backup.put(e.getKey(), e.getValue().duplicate());
        } else {
          b.copyFrom(e.getValue());
        }
      }
    }
    try {
      for (int i = 0; i < infos.size(); i++) {
        for (Map.Entry<String, Map<String, Tensor>> m : params.entrySet()) {
          copyInto(m.getValue(), Objects.requireNonNull(shadows.get(m.getKey())).get(i));
        }
        // Copied before logging: logging changes the trainer's metric maps.
        Map<String, Double> result = new LinkedHashMap<>(context.evaluateValidation());
        for (Map.Entry<String, Double> r : result.entrySet()) {
          context.logMetric(r.getKey() + "/" + infos.get(i), r.getValue());
        }
      }
    } finally {
      for (Map.Entry<String, Map<String, Tensor>> m : params.entrySet()) {
        copyInto(m.getValue(), Objects.requireNonNull(backups.get(m.getKey())));
      }
    }
  }

  /** A model of the run; the shadows were created for the run's models, so it is there. */
  private static Model model(TrainingContext context, String name) {
    return Objects.requireNonNull(context.models().get(name), () -> "model '" + name + "'");
  }

  private static void copyInto(Map<String, Tensor> target, Map<String, Tensor> source) {
    for (Map.Entry<String, Tensor> e : target.entrySet()) {
      e.getValue().copyFrom(Objects.requireNonNull(source.get(e.getKey()), e.getKey()));
    }
  }

  /** One {@code ModelSnapshot(model, "ema=<factor>", weights)} per model and factor. */
  @Override
  public List<ModelSnapshot> checkpointModels(TrainingContext context) {
    List<ModelSnapshot> out = new ArrayList<>();
    hostShadows()
        .forEach(
            (model, byInfo) ->
                byInfo.forEach((info, dict) -> out.add(new ModelSnapshot(model, info, dict))));
    return out;
  }

  /**
   * Releases the engine tensors after keeping a host copy, which the final checkpoint still needs
   * (and from which the shadows would be recreated if training went on).
   */
  @Override
  public void afterTraining(TrainingContext context) {
    if (!shadows.isEmpty()) {
      restored = hostShadows();
      closeTensors();
    }
  }

  /** Host copies of the shadows (model → model info → state dict), reused until they change. */
  private Map<String, Map<String, Map<String, HostTensor>>> hostShadows() {
    if (shadows.isEmpty()) {
      return restored != null ? restored : Map.of();
    }
    Map<String, Map<String, Map<String, HostTensor>>> current = hostCopy;
    if (current == null || hostVersion != version) {
      if (hostCopy != null && checkpoints != null) {
        // A save may still be writing the previous copy from the buffers about to be overwritten.
        // At a resumable save the writer has already waited for the previous one: this waits at
        // most
        // for the deletions queued behind it.
        checkpoints.flush();
      }
      Map<String, Map<String, Map<String, HostTensor>>> copy = new LinkedHashMap<>();
      shadows.forEach(
          (model, perFactor) -> {
            Map<String, Map<String, HostTensor>> byInfo = new LinkedHashMap<>();
            for (int i = 0; i < infos.size(); i++) {
              String info = infos.get(i);
              Map<String, HostTensor> dict = new LinkedHashMap<>();
              perFactor
                  .get(i)
                  .forEach(
                      (path, t) -> dict.put(path, refreshHostCopy(List.of(model, info, path), t)));
              byInfo.put(info, dict);
            }
            copy.put(model, byInfo);
          });
      hostCopy = copy;
      hostVersion = version;
      current = copy;
    }
    return current;
  }

  /**
   * {@code t}'s values in the host buffer kept for {@code key}, allocated at the first call (and on
   * a shape change).
   */
  private HostTensor refreshHostCopy(List<String> key, Tensor t) {
    long elements = 1;
    for (long d : t.shape()) {
      elements = Math.multiplyExact(elements, d);
    }
    long bytes = Math.multiplyExact(elements, t.dtype().byteSize());
    if (bytes > HostTensor.MAX_CHUNK_BYTES) {
      hostAllocations++;
      return t.toHost(); // more than one buffer holds: not worth a special case for a rare size
    }
    ByteBuffer buffer = hostBuffers.get(key);
    if (buffer == null || buffer.capacity() != bytes) {
      buffer = ByteBuffer.allocateDirect((int) bytes);
      hostBuffers.put(key, buffer);
      hostAllocations++;
    }
    t.copyTo(buffer.duplicate().clear());
    return HostTensor.wrap(t.dtype(), t.shape(), buffer.duplicate().clear());
  }

  /**
   * How many host buffers the copies of the shadows allocated so far (tests: constant across
   * saves).
   */
  long hostAllocations() {
    return hostAllocations;
  }

  /**
   * {@code target_factors} (informational), {@code steps}, {@code last_update} and {@code shadows}:
   * model name → {@code ema=<factor>} → parameter path → tensor.
   */
  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put(FACTORS, new ArrayList<Object>(config.targetFactors()));
    s.put(STEPS, steps);
    s.put(LAST_UPDATE, lastStepUpdate);
    Map<String, Object> byModel = new LinkedHashMap<>();
    hostShadows()
        .forEach(
            (model, byInfo) -> {
              Map<String, Object> infoMap = new LinkedHashMap<>();
              byInfo.forEach(
                  (info, dict) -> infoMap.put(info, new LinkedHashMap<String, Object>(dict)));
              byModel.put(model, infoMap);
            });
    s.put(SHADOWS, byModel);
    return s;
  }

  @Override
  public void loadState(Map<String, Object> state) {
    long loadedSteps = StateValues.requireLong(state, STEPS);
    long loadedLast = StateValues.requireLong(state, LAST_UPDATE);
    Map<String, Map<String, Map<String, HostTensor>>> loaded = new LinkedHashMap<>();
    Map<String, Object> byModel = StateValues.requireMap(state, SHADOWS);
    for (String model : byModel.keySet()) {
      Map<String, Object> byInfo = StateValues.requireMap(byModel, model);
      Map<String, Map<String, HostTensor>> infoMap = new LinkedHashMap<>();
      for (String info : byInfo.keySet()) {
        Map<String, Object> dict = StateValues.requireMap(byInfo, info);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (String path : dict.keySet()) {
          tensors.put(path, StateValues.requireTensor(dict, path));
        }
        infoMap.put(info, tensors);
      }
      loaded.put(model, infoMap);
    }
    closeTensors();
    restored = loaded;
    steps = loadedSteps;
    lastStepUpdate = loadedLast;
    hostCopy = null;
    hostVersion = -1;
    version++;
  }

  /** Releases the engine tensors this callback owns. */
  @Override
  public void close() {
    closeTensors();
  }

  private void closeTensors() {
    shadows
        .values()
        .forEach(perFactor -> perFactor.forEach(dict -> dict.values().forEach(Tensor::close)));
    shadows.clear();
    backups.values().forEach(dict -> dict.values().forEach(Tensor::close));
    backups.clear();
  }
}

package ai.noether.callbacks.ema;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.model.ModelSnapshot;
import ai.noether.api.state.Stateful;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.tensor.Tensor;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * the memory of saving them once (see {@link EmaHostCopies}).
 *
 * <p>The pieces: {@link EmaShadows} (the shadow tensors and the averaging step), {@link
 * EmaSchedule} (when a step is due, with which factor), {@link EmaHostCopies}, {@link
 * EmaEvaluation} (the swap of weights around an evaluation) and {@link EmaState} (the saved state);
 * this class wires them to the trainer's hooks.
 *
 * <p>Not thread-safe: used on the training thread. Owns the shadow tensors: they are released at
 * the end of training (after a host copy is taken for the final checkpoint) or by {@link #close()}.
 */
public final class EmaCallback implements Callback, Stateful, AutoCloseable {
  /** The state key in {@code _trainer.th}. */
  public static final String STATE_KEY = "ema";

  /** The model info prefix: {@code ema=0.9999}. */
  public static final String MODEL_INFO_PREFIX = "ema=";

  /** The number of EMA steps in this callback's state (see {@link EmaState}). */
  static final String STEPS = EmaState.STEPS;

  private final EmaCallbackConfig config;
  private final EmaSchedule schedule;
  private final EmaShadows shadows;
  private final EmaHostCopies hostCopies = new EmaHostCopies();
  private final EmaEvaluation evaluation = new EmaEvaluation();

  /** Saved shadows (model → model info → state dict) waiting for {@link #beforeTraining}. */
  private @Nullable Map<String, Map<String, Map<String, HostTensor>>> restored;

  public EmaCallback(EmaCallbackConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.schedule = new EmaSchedule(config);
    List<String> infos = new ArrayList<>();
    for (double f : config.targetFactors()) {
      infos.add(modelInfo(f));
    }
    this.shadows = new EmaShadows(infos);
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
    hostCopies.writtenBy(context.checkpoints());
    if (!shadows.isEmpty()) {
      return;
    }
    if (restored == null) {
      schedule.startAt(context.iteration().update());
    }
    shadows.create(context.models(), restored);
    restored = null;
  }

  @Override
  public void afterUpdate(TrainingContext context) {
    step(context);
  }

  @Override
  public void afterEvaluation(TrainingContext context, Map<String, Double> metrics) {
    step(context);
    if (config.evaluate()) {
      evaluation.evaluate(context, shadows);
    }
  }

  /** Applies the EMA step of the current update, unless it is not due or already applied. */
  private void step(TrainingContext context) {
    long update = context.iteration().update();
    if (!schedule.isDue(update)) {
      return;
    }
    if (shadows.isEmpty()) {
      beforeTraining(context);
    }
    shadows.moveTowards(context.models(), schedule.nextStepWeights());
    schedule.stepped(update);
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
    return hostCopies.of(shadows);
  }

  /**
   * How many host buffers the copies of the shadows allocated so far (tests: constant across
   * saves).
   */
  long hostAllocations() {
    return hostCopies.allocations();
  }

  /** See {@link EmaState}. */
  @Override
  public Map<String, Object> state() {
    return EmaState.write(
        config.targetFactors(), schedule.steps(), schedule.lastStepUpdate(), hostShadows());
  }

  @Override
  public void loadState(Map<String, Object> state) {
    EmaState.Saved saved = EmaState.read(state);
    closeTensors();
    restored = saved.shadows();
    schedule.restore(saved.steps(), saved.lastUpdate());
    hostCopies.forget();
  }

  /** Releases the engine tensors this callback owns. */
  @Override
  public void close() {
    closeTensors();
  }

  private void closeTensors() {
    shadows.close();
    evaluation.close();
  }
}

package ai.noether.callbacks.ema;

import ai.noether.api.Nullable;
import ai.noether.api.model.Model;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow weights: for each model of the run and each factor, an engine tensor per parameter,
 * created at the start of training (from the saved values after a resume) and moved towards the
 * weights at each EMA step on the weights' device ({@link Tensor#lerpInPlace}). Floating point
 * tensors are averaged; integer buffers (counters) are copied.
 *
 * <p>Owns the tensors: {@link #close()} releases them. {@link #version()} changes whenever a shadow
 * does, so copies taken at one version can be reused until the next.
 */
final class EmaShadows implements AutoCloseable {
  // The callback's logger: users configure and read EMA's warnings under that name.
  private static final Logger LOG = LoggerFactory.getLogger(EmaCallback.class);

  private final List<String> infos;

  /** Model name → one shadow state dict per factor (info order); empty until created. */
  private final Map<String, List<Map<String, Tensor>>> byModel = new LinkedHashMap<>();

  private long version;

  /**
   * @param infos the model info of each factor ({@code ema=0.9999}), in config order
   */
  EmaShadows(List<String> infos) {
    this.infos = List.copyOf(infos);
  }

  /** The model info of each factor, in config order. */
  List<String> infos() {
    return infos;
  }

  boolean isEmpty() {
    return byModel.isEmpty();
  }

  /** Changes whenever a shadow does. */
  long version() {
    return version;
  }

  /** The shadowed models' names, in the run's order. */
  Set<String> models() {
    return byModel.keySet();
  }

  /** The shadow state dict of {@code model} for the factor with info index {@code factor}. */
  Map<String, Tensor> of(String model, int factor) {
    return Objects.requireNonNull(byModel.get(model), () -> "model '" + model + "'").get(factor);
  }

  /**
   * Creates a shadow per model and factor: from {@code saved} (model → info → state dict) where it
   * has one, else from the current weights, with a warning after a resume. Saved models the run
   * does not have are dropped with a warning.
   *
   * @param saved the shadows of the checkpoint resumed from; null for a fresh start
   * @throws IllegalArgumentException if saved shadows do not fit their model's parameters
   */
  void create(
      Map<String, Model> models,
      @Nullable Map<String, Map<String, Map<String, HostTensor>>> saved) {
    for (Model model : models.values()) {
      Map<String, Tensor> params = model.parameters();
      Map<String, Map<String, HostTensor>> savedModel =
          saved == null ? null : saved.get(model.name());
      List<Map<String, Tensor>> perFactor = new ArrayList<>();
      for (String info : infos) {
        Map<String, HostTensor> savedShadow = savedModel == null ? null : savedModel.get(info);
        if (saved != null && savedShadow == null) {
          LOG.warn(
              "the checkpoint has no EMA weights for model '{}' with {}; they start from the current weights",
              model.name(),
              info);
        }
        perFactor.add(createShadow(model.name(), info, params, savedShadow));
      }
      byModel.put(model.name(), perFactor);
    }
    if (saved != null) {
      for (String name : saved.keySet()) {
        if (!models.containsKey(name)) {
          LOG.warn(
              "the checkpoint has EMA weights for model '{}', which this run does not have; they are dropped",
              name);
        }
      }
    }
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

  /**
   * One EMA step: {@code shadow += weights[i] * (weight - shadow)} for the floating point tensors
   * of factor {@code i}, a copy for the others.
   *
   * @param weights per factor, {@code 1 - factor}
   */
  void moveTowards(Map<String, Model> models, double[] weights) {
    for (Map.Entry<String, List<Map<String, Tensor>>> m : byModel.entrySet()) {
      Map<String, Tensor> params = model(models, m.getKey()).parameters();
      for (int i = 0; i < infos.size(); i++) {
        for (Map.Entry<String, Tensor> s : m.getValue().get(i).entrySet()) {
          // the shadow was created from these parameters
          Tensor param = Objects.requireNonNull(params.get(s.getKey()), s.getKey());
          if (param.dtype().isFloatingPoint()) {
            s.getValue().lerpInPlace(param, weights[i]);
          } else {
            s.getValue().copyFrom(param);
          }
        }
      }
    }
    version++;
  }

  /** A model of the run; the shadows were created for the run's models, so it is there. */
  static Model model(Map<String, Model> models, String name) {
    return Objects.requireNonNull(models.get(name), () -> "model '" + name + "'");
  }

  /** Releases the tensors; the shadows are empty afterwards. */
  @Override
  public void close() {
    byModel
        .values()
        .forEach(perFactor -> perFactor.forEach(dict -> dict.values().forEach(Tensor::close)));
    byModel.clear();
  }
}

package ai.noether.callbacks.ema;

import ai.noether.api.callback.TrainingContext;
import ai.noether.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates the EMA weights ({@code evaluate: true}): for each factor in turn, copies its shadows
 * into the models, evaluates the validation split and logs the results as {@code
 * <metric>/ema=<factor>}; then copies the training weights back exactly from a backup. While those
 * metrics are logged the models hold the EMA weights that produced them, so a callback reacting to
 * them (a {@code best-checkpoint}) sees and saves those weights.
 *
 * <p>Owns the backup tensors, created at the first evaluation and reused after: {@link #close()}
 * releases them.
 */
final class EmaEvaluation implements AutoCloseable {
  /** Copies of the training weights while EMA weights are swapped in; created on first use. */
  private final Map<String, Map<String, Tensor>> backups = new LinkedHashMap<>();

  void evaluate(TrainingContext context, EmaShadows shadows) {
    Map<String, Map<String, Tensor>> params = new LinkedHashMap<>();
    for (String name : shadows.models()) {
      Map<String, Tensor> p = EmaShadows.model(context.models(), name).parameters();
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
    List<String> infos = shadows.infos();
    try {
      for (int i = 0; i < infos.size(); i++) {
        for (Map.Entry<String, Map<String, Tensor>> m : params.entrySet()) {
          copyInto(m.getValue(), shadows.of(m.getKey(), i));
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

  private static void copyInto(Map<String, Tensor> target, Map<String, Tensor> source) {
    for (Map.Entry<String, Tensor> e : target.entrySet()) {
      e.getValue().copyFrom(Objects.requireNonNull(source.get(e.getKey()), e.getKey()));
    }
  }

  /** Releases the backups. */
  @Override
  public void close() {
    backups.values().forEach(dict -> dict.values().forEach(Tensor::close));
    backups.clear();
  }
}

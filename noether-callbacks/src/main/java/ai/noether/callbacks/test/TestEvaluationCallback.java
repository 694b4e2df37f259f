package ai.noether.callbacks.test;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.ModelWeightsReader;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.metric.MetricFormat;
import ai.noether.api.model.Model;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.train.TrainingStep;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the trained models once, at the end of training, on the test split (or the validation
 * split): the weights training ended with and/or checkpoints of the stage ({@code best.<metric>}),
 * each as the model itself and as the configured model files ({@code ema=<factor>}). It prints the
 * metrics, logs them to the history as {@code <metric>/test/<target>[/<model info>][/<checkpoint>]}
 * (the checkpoint part only when several are configured) and writes them all to {@value #FILE_NAME}
 * in the stage's work directory. The model's weights are restored afterwards, so the final
 * checkpoint holds what training ended with.
 *
 * <p>It runs in {@code afterTraining}, after the trainer's last evaluation, so a best checkpoint
 * that this evaluation set is included; it waits for the checkpoint writes before reading. An
 * interrupted run skips it (the resumed run does it when it finishes).
 *
 * <p>Not thread-safe: used on the training thread.
 */
public final class TestEvaluationCallback implements Callback {
  private static final Logger LOG = LoggerFactory.getLogger(TestEvaluationCallback.class);

  /** The file in the stage's work directory that holds the results. */
  public static final String FILE_NAME = "test-metrics.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final TestEvaluationCallbackConfig config;
  private final DataSource data;
  private final TrainingStep step;
  // null when the config reads no checkpoint (final weights only): the factory passes them then
  private final @Nullable CheckpointStore store;
  private final @Nullable ModelWeightsReader reader;

  /** A callback reading checkpoints of {@code store} through {@code reader}. */
  public TestEvaluationCallback(
      TestEvaluationCallbackConfig config,
      DataSource data,
      TrainingStep step,
      @Nullable CheckpointStore store,
      @Nullable ModelWeightsReader reader) {
    this.config = Objects.requireNonNull(config, "config");
    this.data = Objects.requireNonNull(data, "data");
    this.step = Objects.requireNonNull(step, "step");
    this.store = store;
    this.reader = reader;
  }

  @Override
  public void afterTraining(TrainingContext context) {
    Optional<Dataset> split =
        config.split().equals(TestEvaluationCallbackConfig.TEST) ? data.test() : data.validation();
    if (split.isEmpty()) {
      LOG.warn("test-evaluation: the data has no {} split; nothing to evaluate", config.split());
      return;
    }
    // The best checkpoint of the last evaluation may still be on its way to the store.
    context.checkpoints().flush();
    List<Map<String, Object>> results = new ArrayList<>();
    Map<String, Model> models = context.models();
    Map<String, Map<String, HostTensor>> trained = new LinkedHashMap<>();
    models.forEach((name, m) -> trained.put(name, m.stateDict()));
    try {
      for (String checkpoint : config.checkpoints()) {
        StoredCheckpoint stored =
            checkpoint.equals(TestEvaluationCallbackConfig.FINAL)
                ? null
                : resolve(context, checkpoint);
        List<String> variants = new ArrayList<>();
        variants.add(null);
        variants.addAll(config.modelInfo());
        for (String info : variants) {
          if (stored == null && info != null) {
            // The final weights' averaged copies are the last checkpoint's model files, written
            // after this.
            continue;
          }
          for (Map.Entry<String, Model> m : models.entrySet()) {
            m.getValue()
                .load(
                    stored == null
                        ? trainedWeights(trained, m.getKey())
                        : read(stored, m.getKey(), info),
                    true);
          }
          Map<String, Double> metrics =
              new LinkedHashMap<>(step.evaluate(split.get(), config.split()));
          String suffix =
              (info == null ? "" : "/" + info)
                  + (config.checkpoints().size() > 1 ? "/" + checkpoint : "");
          LOG.info(
              "{} on the {} split{}: {}",
              checkpoint + (stored == null ? "" : " (" + stored.iteration() + ")"),
              config.split(),
              info == null ? "" : " with " + info,
              describe(metrics));
          for (Map.Entry<String, Double> e : metrics.entrySet()) {
            context.logMetric(e.getKey() + suffix, e.getValue());
          }
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("checkpoint", checkpoint);
          entry.put(
              "iteration",
              stored == null ? context.iteration().toString() : stored.iteration().toString());
          entry.put("model_info", info);
          entry.put("split", config.split());
          entry.put("metrics", metrics);
          results.add(entry);
        }
      }
    } finally {
      for (Map.Entry<String, Model> m : models.entrySet()) {
        m.getValue().load(trainedWeights(trained, m.getKey()), true);
      }
    }
    write(context.workDir().resolve(FILE_NAME), results);
  }

  private static Map<String, HostTensor> trainedWeights(
      Map<String, Map<String, HostTensor>> trained, String model) {
    // taken from every model before the loop
    return Objects.requireNonNull(trained.get(model), model);
  }

  // Only reached for a checkpoint other than final, for which the factory passes store and reader.
  private CheckpointStore store() {
    return Objects.requireNonNull(store, "store");
  }

  private ModelWeightsReader reader() {
    return Objects.requireNonNull(reader, "reader");
  }

  private StoredCheckpoint resolve(TrainingContext context, String selector) {
    try {
      return reader().resolve(store(), context.stage(), CheckpointSelector.parse(selector));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "test-evaluation: could not read checkpoint " + selector + " of " + context.stage(), e);
    }
  }

  private Map<String, HostTensor> read(StoredCheckpoint checkpoint, String model, String info) {
    try {
      return reader().read(store(), checkpoint, model, info);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "test-evaluation: could not read the model file of "
              + model
              + (info == null ? "" : " (" + info + ")")
              + " in "
              + checkpoint.describe(),
          e);
    }
  }

  private static String describe(Map<String, Double> metrics) {
    StringBuilder b = new StringBuilder();
    metrics.forEach(
        (k, v) ->
            b.append(b.length() == 0 ? "" : ", ")
                .append(k)
                .append(" = ")
                .append(MetricFormat.format(v)));
    return b.toString();
  }

  private static void write(Path file, List<Map<String, Object>> results) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(tmp.toFile(), results);
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      LOG.info("test-evaluation results written to {}", file);
    } catch (IOException e) {
      throw new UncheckedIOException("test-evaluation: could not write " + file, e);
    }
  }
}

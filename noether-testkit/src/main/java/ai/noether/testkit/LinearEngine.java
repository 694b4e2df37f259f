package ai.noether.testkit;

import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.train.TrainingStep;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A tiny engine in plain Java for tests of the real trainer: a linear model {@code y = w·x + b}
 * made of {@link TestTensor}s, a mean-squared-error training step, and SGD with momentum whose
 * buffers are its state. All arithmetic is in float, deterministic, so a resumed run must match an
 * uninterrupted one bit for bit.
 */
public final class LinearEngine {
  public static final int FEATURES = 3;
  private static final float MOMENTUM = 0.9f;

  public final TestModel model =
      new TestModel("mlp")
          .with("linear.weight", TestTensor.floats(0.1f, -0.2f, 0.05f))
          .with("linear.bias", TestTensor.floats(0f));
  private final Split train;
  private final Split valid;
  private final Map<String, float[]> gradients = new LinkedHashMap<>();
  private final Map<String, float[]> momentum = new LinkedHashMap<>();

  private record Split(float[][] x, float[] y) implements Dataset {
    @Override
    public long size() {
      return y.length;
    }
  }

  /** A regression problem with {@code trainSize} training and 32 validation samples. */
  public LinearEngine(int trainSize) {
    SplittableRandom random = new SplittableRandom(7);
    train = split(random, trainSize);
    valid = split(random, 32);
  }

  private static Split split(SplittableRandom random, int n) {
    float[] trueW = {1.5f, -2f, 0.5f};
    float[][] x = new float[n][FEATURES];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      float target = 0.3f;
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = (float) random.nextGaussian();
        target += trueW[j] * x[i][j];
      }
      y[i] = target + 0.3f * (float) random.nextGaussian();
    }
    return new Split(x, y);
  }

  public DataSource data() {
    return new DataSource() {
      @Override
      public Dataset train() {
        return train;
      }

      @Override
      public Optional<Dataset> validation() {
        return Optional.of(valid);
      }
    };
  }

  private float predict(float[] x) {
    float[] w = model.tensor("linear.weight").floatValues();
    float p = model.tensor("linear.bias").floatValues()[0];
    for (int j = 0; j < FEATURES; j++) {
      p += w[j] * x[j];
    }
    return p;
  }

  public TrainingStep step() {
    return new TrainingStep() {
      @Override
      public double train(long[] indices, long seed) {
        float[] dw = new float[FEATURES];
        float[] db = new float[1];
        float loss = 0;
        for (long index : indices) {
          int i = (int) index;
          float err = predict(train.x()[i]) - train.y()[i];
          loss += err * err;
          for (int j = 0; j < FEATURES; j++) {
            dw[j] += 2 * err * train.x()[i][j] / indices.length;
          }
          db[0] += 2 * err / indices.length;
        }
        gradients.put("linear.weight", dw);
        gradients.put("linear.bias", db);
        return loss / indices.length;
      }

      @Override
      public Map<String, Double> evaluate(Dataset dataset, String split) {
        Split s = (Split) dataset;
        double loss = 0;
        int close = 0;
        for (int i = 0; i < s.y().length; i++) {
          float err = predict(s.x()[i]) - s.y()[i];
          loss += err * err;
          close += Math.abs(err) < 0.5f ? 1 : 0;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("loss/" + split + "/total", loss / s.y().length);
        out.put("accuracy/" + split, (double) close / s.y().length);
        return out;
      }
    };
  }

  public Optimizer optimizer() {
    return new Optimizer() {
      @Override
      public String kind() {
        return "sgd";
      }

      @Override
      public void step(double learningRate) {
        float lr = (float) learningRate;
        gradients.forEach(
            (path, g) -> {
              float[] buf = momentum.computeIfAbsent(path, p -> new float[g.length]);
              float[] delta = new float[g.length];
              for (int i = 0; i < g.length; i++) {
                buf[i] = MOMENTUM * buf[i] + g[i];
                delta[i] = -lr * buf[i];
              }
              model.tensor(path).addInPlace(delta);
            });
        gradients.clear();
      }

      @Override
      public Map<String, Object> state() {
        Map<String, Object> buffers = new LinkedHashMap<>();
        momentum.forEach(
            (path, buf) ->
                buffers.put(path, HostTensor.ofFloats(new long[] {buf.length}, buf.clone())));
        return Map.of("momentum", buffers);
      }

      @Override
      public void loadState(Map<String, Object> state) {
        momentum.clear();
        ((Map<?, ?>) Objects.requireNonNull(state.get("momentum"), "momentum"))
            .forEach((path, t) -> momentum.put((String) path, ((HostTensor) t).toFloatArray()));
      }
    };
  }
}

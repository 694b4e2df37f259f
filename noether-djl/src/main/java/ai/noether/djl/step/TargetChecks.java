package ai.noether.djl.step;

import ai.noether.api.Nullable;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.check.SampleShape;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * What the built-in losses need from the targets and the model's prediction, checked before
 * training from the {@link RunPlan}: the value-by-value losses ({@code mse}, {@code l1}, {@code
 * huber}, {@code sigmoid-bce}) as many predicted values per sample as targets, and {@code
 * sigmoid-bce} targets between 0 and 1; {@code softmax-cross-entropy} one whole-number class index
 * per sample, each below the number of classes the model predicts. Target values are read from the
 * training split in host memory (one pass, no copy).
 */
final class TargetChecks {
  private TargetChecks() {}

  static void check(LossKind loss, RunPlan plan, ConfigProblems problems) {
    Optional<SampleShape> targets = plan.optTargets();
    if (targets.isEmpty()) {
      return;
    }
    SampleShape t = targets.get();
    Optional<SampleShape> output = plan.optModelOutput();
    if (loss == LossKind.SOFTMAX_CROSS_ENTROPY) {
      if (t.elements() != 1) {
        problems.error(
            "loss",
            loss
                + " needs one class index per sample, but "
                + t.origin()
                + " are "
                + t
                + " per sample; use a value-by-value loss (mse, l1, huber, sigmoid-bce) for such targets.");
        return;
      }
      long classes = output.filter(o -> o.dims().size() == 1).map(o -> o.dims().get(0)).orElse(-1L);
      plan.optTrainTargets()
          .ifPresent(values -> checkClassIndices(loss, values, t, classes, output, problems));
      return;
    }
    if (loss == LossKind.SIGMOID_BCE) {
      plan.optTrainTargets()
          .map(TargetChecks::range)
          .ifPresent(
              range -> {
                if (!(range[0] >= 0 && range[1] <= 1)) {
                  problems.error(
                      "loss",
                      loss
                          + " needs targets between 0 and 1 (probabilities or 0/1 labels), but "
                          + t.origin()
                          + " range from "
                          + range[0]
                          + " to "
                          + range[1]
                          + "; use mse, l1 or huber for such targets.");
                }
              });
    }
    if (output.isPresent() && output.get().elements() != t.elements()) {
      SampleShape o = output.get();
      problems.error(
          "loss",
          loss
              + " compares each predicted value with its target, but "
              + o.origin()
              + " are "
              + o.dimsText()
              + " per sample and "
              + t.origin()
              + " are "
              + t
              + "; make the model predict "
              + t.elements()
              + " value"
              + (t.elements() == 1 ? "" : "s")
              + " per sample, or change the targets.");
    }
  }

  /** Whole numbers in [0, classes): a scan of the training targets. */
  private static void checkClassIndices(
      LossKind loss,
      HostTensor values,
      SampleShape t,
      long classes,
      Optional<SampleShape> output,
      ConfigProblems problems) {
    double[] range = range(values);
    if (range == null) {
      return;
    }
    double min = range[0];
    double max = range[1];
    if (range[2] != 0) {
      problems.error(
          "loss",
          loss
              + " needs whole-number class indices, but "
              + t.origin()
              + " hold other values"
              + " (e.g. "
              + range[3]
              + "); use sigmoid-bce or a regression loss for such targets.");
      return;
    }
    if (min < 0) {
      problems.error(
          "loss",
          loss
              + " needs class indices from 0, but "
              + t.origin()
              + " go down to "
              + (long) min
              + ".");
    }
    if (classes > 0 && max >= classes) {
      problems.error(
          "loss",
          loss
              + ": "
              + t.origin()
              + " hold class indices up to "
              + (long) max
              + ", but "
              + output.get().origin()
              + " give "
              + classes
              + " class"
              + (classes == 1 ? "" : "es")
              + " (valid indices 0 to "
              + (classes - 1)
              + "); make the model predict "
              + ((long) max + 1)
              + " classes.");
    }
  }

  /**
   * {min, max, whether any value is fractional or not finite, such a value} of a numeric tensor;
   * null for types it does not read.
   */
  private static @Nullable double[] range(HostTensor values) {
    DType type = values.dtype();
    if (type != DType.FLOAT32
        && type != DType.FLOAT64
        && type != DType.INT64
        && type != DType.INT32
        && type != DType.INT16
        && type != DType.INT8
        && type != DType.UINT8) {
      return null;
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double fractional = 0;
    double example = 0;
    for (ByteBuffer chunk : values.chunks()) {
      ByteBuffer b = chunk.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
      while (b.remaining() >= type.byteSize()) {
        double v =
            switch (type) {
              case FLOAT32 -> b.getFloat();
              case FLOAT64 -> b.getDouble();
              case INT64 -> b.getLong();
              case INT32 -> b.getInt();
              case INT16 -> b.getShort();
              case INT8 -> b.get();
              default -> b.get() & 0xff;
            };
        if (!(v == Math.rint(v))) {
          if (fractional == 0) {
            example = v;
          }
          fractional = 1;
        }
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    return min > max ? null : new double[] {min, max, fractional, example};
  }
}

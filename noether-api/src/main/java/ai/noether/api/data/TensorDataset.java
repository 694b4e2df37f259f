package ai.noether.api.data;

import ai.noether.api.tensor.HostTensor;
import java.util.Objects;

/**
 * A dataset held in host memory as two tensors whose first dimension is the sample index:
 * {@code features} of shape {@code [N, ...]} and {@code targets} of shape {@code [N, ...]}. Engines
 * gather the rows of a batch from it; dataset factories need no engine to build one.
 *
 * @param features inputs, one row per sample; never null
 * @param targets labels or regression targets, one row per sample; never null
 */
public record TensorDataset(HostTensor features, HostTensor targets) implements Dataset {
  public TensorDataset {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(targets, "targets");
    long[] f = features.shape();
    long[] t = targets.shape();
    if (f.length == 0 || t.length == 0 || f[0] != t[0]) {
      throw new IllegalArgumentException(
          "features " + java.util.Arrays.toString(f) + " and targets " + java.util.Arrays.toString(t)
              + " must both have the sample count as their first dimension");
    }
  }

  @Override
  public long size() {
    return features.shape()[0];
  }
}

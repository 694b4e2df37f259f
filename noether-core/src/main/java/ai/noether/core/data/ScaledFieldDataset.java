package ai.noether.core.data;

import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.tensor.HostTensor;
import java.util.List;

/**
 * A split whose scaled fields are returned normalised by a {@link Scaler}; the other fields pass
 * through unchanged. Gathering stays as concurrent as the wrapped split's.
 */
final class ScaledFieldDataset implements FieldDataset {
  private final FieldDataset split;
  private final Scaler scaler;

  ScaledFieldDataset(FieldDataset split, Scaler scaler, String splitName) {
    scaler.requireFieldsOf(split, splitName);
    this.split = split;
    this.scaler = scaler;
  }

  /** The split without scaling. */
  FieldDataset unscaled() {
    return split;
  }

  @Override
  public long size() {
    return split.size();
  }

  @Override
  public List<Field> fields() {
    return split.fields();
  }

  @Override
  public HostTensor gather(String field, long[] indices) {
    HostTensor values = split.gather(field, indices);
    if (!scaler.scales(field)) {
      return values;
    }
    String conditionField = scaler.conditionField();
    HostTensor conditions = conditionField == null ? null : split.gather(conditionField, indices);
    return scaler.apply(field, values, conditions);
  }
}

package ai.noether.core.data;

import ai.noether.api.Nullable;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import java.util.Objects;
import java.util.Optional;

/** The splits a file-backed dataset kind built: training, and optionally validation and test. */
public final class FileDataSource implements DataSource {
  private final Dataset train;
  @Nullable private final Dataset valid;
  @Nullable private final Dataset test;

  /**
   * @param train the training split; never null
   * @param valid the validation split; null when there is none
   * @param test the test split; null when there is none
   */
  public FileDataSource(Dataset train, @Nullable Dataset valid, @Nullable Dataset test) {
    this.train = Objects.requireNonNull(train, "train");
    this.valid = valid;
    this.test = test;
  }

  @Override
  public Dataset train() {
    return train;
  }

  @Override
  public Optional<Dataset> validation() {
    return Optional.ofNullable(valid);
  }

  @Override
  public Optional<Dataset> test() {
    return Optional.ofNullable(test);
  }

  /**
   * The splits' sizes and the fields, for the log: {@code train 281, valid 94, test 4 samples;
   * fields x:FLOAT32[30, 7], rul:FLOAT32[]}.
   */
  public String describe() {
    StringBuilder sb = new StringBuilder("train ").append(train.size());
    if (valid != null) {
      sb.append(", valid ").append(valid.size());
    }
    if (test != null) {
      sb.append(", test ").append(test.size());
    }
    sb.append(" samples");
    if (train instanceof FieldDataset fields) {
      sb.append("; fields ")
          .append(String.join(", ", fields.fields().stream().map(Field::toString).toList()));
    }
    return sb.toString();
  }
}

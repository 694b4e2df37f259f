package ai.noether.api.data;

import java.util.Map;
import java.util.Optional;

/**
 * What a {@code dataset:} block provides: a training split, optional validation and test splits,
 * and extras that must travel with the model, such as data-normalisation parameters (a scaler's
 * means and standard deviations), which are saved in every model file.
 */
public interface DataSource {

  /** The training split; never null. */
  Dataset train();

  /** The validation split, if the source has one. */
  Optional<Dataset> validation();

  /**
   * The test split, if the source has one: never used for training or model selection, only by
   * evaluation and prediction after training.
   */
  default Optional<Dataset> test() {
    return Optional.empty();
  }

  /**
   * Plain values (numbers, strings, lists, maps, host tensors) to store as {@code extras} in model
   * files; never null, possibly empty.
   */
  default Map<String, Object> extras() {
    return Map.of();
  }
}

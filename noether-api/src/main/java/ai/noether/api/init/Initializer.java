package ai.noether.api.init;

import ai.noether.api.model.LoadReport;
import ai.noether.api.model.Model;
import java.io.IOException;

/**
 * Sets a model's weights before training starts, e.g. from a previous run. Runs once, on a freshly
 * built model, in configuration order; it is not run on resume (resume restores the checkpoint).
 * Loads weights only: no optimizer state, no counters.
 */
public interface Initializer {

  /**
   * Initialises {@code model}.
   *
   * @return what was loaded
   * @throws ai.noether.api.model.StateDictMismatchException on a strict mismatch, listing every key
   */
  LoadReport initialize(Model model) throws IOException;
}

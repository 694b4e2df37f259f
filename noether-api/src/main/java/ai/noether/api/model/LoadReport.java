package ai.noether.api.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What happened when a state dict was loaded into a model.
 *
 * @param loaded keys copied into the model
 * @param missing model keys the state dict did not have
 * @param unexpected state dict keys the model does not have
 * @param mismatched keys present on both sides with different shapes or dtypes
 */
public record LoadReport(
    List<String> loaded, List<String> missing, List<String> unexpected, List<Mismatch> mismatched) {

  public LoadReport {
    loaded = List.copyOf(loaded);
    missing = List.copyOf(missing);
    unexpected = List.copyOf(unexpected);
    mismatched = List.copyOf(mismatched);
  }

  /** True when every key matched. */
  public boolean isExact() {
    return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
  }

  /** A multi-line description listing every difference. */
  public String describe() {
    List<String> lines = new ArrayList<>();
    if (!missing.isEmpty()) {
      lines.add("  missing keys (in the model, not in the state dict): " + missing);
    }
    if (!unexpected.isEmpty()) {
      lines.add("  unexpected keys (in the state dict, not in the model): " + unexpected);
    }
    for (Mismatch m : mismatched) {
      lines.add(
          "  shape mismatch for "
              + m.key()
              + ": model "
              + m.modelDescription()
              + ", state dict "
              + m.stateDictDescription());
    }
    if (lines.isEmpty()) {
      lines.add("  all " + loaded.size() + " keys match");
    }
    return String.join("\n", lines);
  }

  /** A key whose shape or dtype differs between model and state dict. */
  public record Mismatch(
      String key,
      String modelDtype,
      long[] modelShape,
      String stateDictDtype,
      long[] stateDictShape) {
    String modelDescription() {
      return modelDtype + Arrays.toString(modelShape);
    }

    String stateDictDescription() {
      return stateDictDtype + Arrays.toString(stateDictShape);
    }
  }
}

package ai.noether.api.run;

import ai.noether.api.NoetherException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code device:} setting of a run: {@code auto} (CUDA when the engine reports a GPU, else the
 * CPU), {@code cpu}, {@code gpu} (the first GPU) or {@code gpu:N}. Engines map it to their own
 * device type and log which device they chose.
 *
 * @param kind auto, cpu or gpu
 * @param index the GPU index for {@link Kind#GPU}; 0 otherwise
 */
public record DeviceSpec(Kind kind, int index) {
  private static final Pattern GPU = Pattern.compile("gpu(?::(\\d+))?");

  /** The device families a run can ask for. */
  public enum Kind {
    AUTO,
    CPU,
    GPU
  }

  /** {@code auto}: CUDA when present, else CPU. */
  public static final DeviceSpec AUTO = new DeviceSpec(Kind.AUTO, 0);

  /** {@code cpu}. */
  public static final DeviceSpec CPU = new DeviceSpec(Kind.CPU, 0);

  public DeviceSpec {
    if (kind == null) {
      throw new IllegalArgumentException("device kind must not be null");
    }
    if (index < 0) {
      throw new IllegalArgumentException("GPU index must not be negative, was " + index);
    }
  }

  /**
   * Parses {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N} (case-insensitive).
   *
   * @throws NoetherException naming the valid forms
   */
  public static DeviceSpec parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("auto")) {
      return AUTO;
    }
    if (t.equals("cpu")) {
      return CPU;
    }
    Matcher m = GPU.matcher(t);
    if (m.matches()) {
      try {
        return new DeviceSpec(Kind.GPU, m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
    }
    throw new NoetherException(
        "device '" + text + "' is not valid; use auto, cpu, gpu or gpu:N (e.g. gpu:1)");
  }

  /** {@code auto}, {@code cpu} or {@code gpu:N}, as written in YAML. */
  @Override
  public String toString() {
    return kind == Kind.GPU ? "gpu:" + index : kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}

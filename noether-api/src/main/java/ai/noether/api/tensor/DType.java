package ai.noether.api.tensor;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Element types a checkpoint can hold. The names are the contract written into files and configs;
 * never rename a constant.
 */
public enum DType {
  FLOAT16(2),
  BFLOAT16(2),
  FLOAT32(4),
  FLOAT64(8),
  INT8(1),
  UINT8(1),
  INT16(2),
  INT32(4),
  INT64(8),
  BOOL(1);

  private final int byteSize;

  DType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** True for the floating point types, the ones an optimizer or an EMA may update. */
  public boolean isFloatingPoint() {
    return this == FLOAT16 || this == BFLOAT16 || this == FLOAT32 || this == FLOAT64;
  }

  /**
   * Parses a name such as {@code float32} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the valid values
   */
  public static DType parse(String name) {
    for (DType t : values()) {
      if (t.name().equalsIgnoreCase(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown dtype '"
            + name
            + "'; valid: "
            + Arrays.stream(values())
                .map(v -> v.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")));
  }
}

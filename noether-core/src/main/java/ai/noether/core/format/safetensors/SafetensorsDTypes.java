package ai.noether.core.format.safetensors;

import ai.noether.api.Nullable;
import ai.noether.api.tensor.DType;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The dtype names of the safetensors header ({@code F32}, {@code BF16}, ...). */
final class SafetensorsDTypes {
  private static final Map<DType, String> NAMES = new EnumMap<>(DType.class);
  private static final Map<String, DType> TYPES = new LinkedHashMap<>();

  static {
    name(DType.FLOAT16, "F16");
    name(DType.BFLOAT16, "BF16");
    name(DType.FLOAT32, "F32");
    name(DType.FLOAT64, "F64");
    name(DType.INT8, "I8");
    name(DType.UINT8, "U8");
    name(DType.INT16, "I16");
    name(DType.INT32, "I32");
    name(DType.INT64, "I64");
    name(DType.BOOL, "BOOL");
  }

  private SafetensorsDTypes() {}

  private static void name(DType dtype, String name) {
    NAMES.put(dtype, name);
    TYPES.put(name, dtype);
  }

  static String name(DType dtype) {
    // Only dtypes a HostTensor can hold reach the writer, and each has a name above.
    return Objects.requireNonNull(NAMES.get(dtype), () -> "no safetensors name for " + dtype);
  }

  /** The dtype for a header name, or null if this framework does not support it. */
  static @Nullable DType parse(String name) {
    return TYPES.get(name);
  }

  static String supported() {
    return String.join(", ", TYPES.keySet());
  }
}

package ai.noether.core.format.th;

import ai.noether.api.Nullable;
import ai.noether.api.tensor.DType;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The PyTorch names this package writes and the closed set of globals its reader accepts. Nothing
 * outside {@link #ALLOWED} is ever resolved, so a file cannot make the reader call anything else.
 */
final class TorchTypes {
  private TorchTypes() {}

  static final String ORDERED_DICT = "collections.OrderedDict";
  static final String REBUILD_TENSOR_V2 = "torch._utils._rebuild_tensor_v2";
  static final String REBUILD_PARAMETER = "torch._utils._rebuild_parameter";
  static final String TORCH_SIZE = "torch.Size";
  static final String UNTYPED_STORAGE = "torch.UntypedStorage";

  /** Storage class per dtype, as {@code torch.save} names it in a persistent id. */
  private static final Map<DType, String> STORAGE_BY_DTYPE = new EnumMap<>(DType.class);

  /** Every global the reader accepts, by {@code module.name}; storages map to their dtype. */
  private static final Map<String, DType> STORAGES = new LinkedHashMap<>();

  static {
    storage(DType.FLOAT16, "torch.HalfStorage");
    storage(DType.BFLOAT16, "torch.BFloat16Storage");
    storage(DType.FLOAT32, "torch.FloatStorage");
    storage(DType.FLOAT64, "torch.DoubleStorage");
    storage(DType.INT8, "torch.CharStorage");
    storage(DType.UINT8, "torch.ByteStorage");
    storage(DType.INT16, "torch.ShortStorage");
    storage(DType.INT32, "torch.IntStorage");
    storage(DType.INT64, "torch.LongStorage");
    storage(DType.BOOL, "torch.BoolStorage");
    // torch 2.x pickles a bare UntypedStorage as bytes.
    STORAGES.put(UNTYPED_STORAGE, DType.UINT8);
  }

  /** All accepted globals, for error messages. */
  static final String ALLOWED =
      String.join(
          ", ",
          ORDERED_DICT,
          REBUILD_TENSOR_V2,
          REBUILD_PARAMETER,
          TORCH_SIZE,
          String.join(", ", STORAGES.keySet()));

  private static void storage(DType dtype, String name) {
    STORAGE_BY_DTYPE.put(dtype, name);
    STORAGES.put(name, dtype);
  }

  /** {@code torch.FloatStorage} for float32 and so on; never null. */
  static String storageClass(DType dtype) {
    return Objects.requireNonNull(
        STORAGE_BY_DTYPE.get(dtype), () -> "no torch storage class for " + dtype);
  }

  /** The dtype of a storage class, or null if {@code qualifiedName} is not one. */
  static @Nullable DType storageDType(String qualifiedName) {
    return STORAGES.get(qualifiedName);
  }

  static boolean isAllowed(String qualifiedName) {
    return qualifiedName.equals(ORDERED_DICT)
        || qualifiedName.equals(REBUILD_TENSOR_V2)
        || qualifiedName.equals(REBUILD_PARAMETER)
        || qualifiedName.equals(TORCH_SIZE)
        || STORAGES.containsKey(qualifiedName);
  }

  /** Row-major strides as PyTorch computes them (a dimension of size 0 counts as 1). */
  static long[] contiguousStrides(long[] shape) {
    long[] strides = new long[shape.length];
    long s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= Math.max(shape[i], 1);
    }
    return strides;
  }
}

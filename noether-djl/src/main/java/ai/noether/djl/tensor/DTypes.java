package ai.noether.djl.tensor;

import ai.djl.ndarray.types.DataType;
import ai.noether.api.tensor.DType;

/** The correspondence between DJL's {@link DataType} and the checkpoint {@link DType}. */
public final class DTypes {
  private DTypes() {}

  /**
   * The checkpoint dtype of a DJL data type.
   *
   * @throws IllegalArgumentException for types a checkpoint cannot hold (strings, complex, unsigned
   *     types wider than a byte)
   */
  public static DType of(DataType type) {
    switch (type) {
      case FLOAT16:
        return DType.FLOAT16;
      case BFLOAT16:
        return DType.BFLOAT16;
      case FLOAT32:
        return DType.FLOAT32;
      case FLOAT64:
        return DType.FLOAT64;
      case INT8:
        return DType.INT8;
      case UINT8:
        return DType.UINT8;
      case INT16:
        return DType.INT16;
      case INT32:
        return DType.INT32;
      case INT64:
        return DType.INT64;
      case BOOLEAN:
        return DType.BOOL;
      default:
        throw new IllegalArgumentException(
            "NDArray data type " + type + " cannot be stored in a checkpoint");
    }
  }

  /**
   * The DJL data type of a checkpoint dtype.
   *
   * @throws IllegalArgumentException for {@code bfloat16} and {@code int16}, which DJL's PyTorch
   *     engine cannot create (it aborts the JVM), naming the way out
   */
  public static DataType of(DType type) {
    switch (type) {
      case FLOAT16:
        return DataType.FLOAT16;
      case BFLOAT16:
        throw new IllegalArgumentException(
            "bfloat16 tensors cannot be created by DJL's PyTorch engine; "
                + "convert the tensor to float32 (in PyTorch: tensor.float()) before loading it");
      case FLOAT32:
        return DataType.FLOAT32;
      case FLOAT64:
        return DataType.FLOAT64;
      case INT8:
        return DataType.INT8;
      case UINT8:
        return DataType.UINT8;
      case INT16:
        throw new IllegalArgumentException(
            "int16 tensors cannot be created by DJL's PyTorch engine; "
                + "convert the tensor to int32 (in PyTorch: tensor.int()) before loading it");
      case INT32:
        return DataType.INT32;
      case INT64:
        return DataType.INT64;
      case BOOL:
        return DataType.BOOLEAN;
      default:
        throw new IllegalArgumentException("dtype " + type + " has no NDArray equivalent");
    }
  }
}

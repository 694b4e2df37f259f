package ai.noether.core.format.th;

/**
 * What reading one {@code .th} file may cost beyond the file itself. Every read is bounded: a file
 * from an untrusted source ends in a {@link ai.noether.api.checkpoint.CorruptCheckpointException}
 * when it would pass a limit, before anything is allocated for it.
 *
 * <ul>
 *   <li>{@code copyAllowanceBytes}: a non-contiguous tensor (a transposed view, or one made with
 *       {@code expand()}, whose stride 0 repeats a few stored bytes over a large shape) is copied
 *       into row-major memory. The copies of one file may take as many bytes as the file has tensor
 *       data, plus this allowance. Default 64 MiB, or the system property {@value
 *       #COPY_ALLOWANCE_PROPERTY} (bytes, or with a suffix {@code k}, {@code m}, {@code g}: {@code
 *       -Dnoether.th.copyAllowance=8g}).
 *   <li>{@code maxTreeValues}: values in the loaded tree when shared references (Python objects
 *       that appear in several places) are followed as a tree, as every reader of the tree does.
 *       Default ten million: a checkpoint of thousands of tensors holds tens of thousands.
 * </ul>
 *
 * <p>Other bounds are fixed: trees deeper than 1000 levels, lengths that point past the data,
 * overlapping zip records and sizes that overflow 64 bits are refused whatever the limits.
 *
 * @param copyAllowanceBytes bytes of copies allowed beyond the file's own tensor data; non-negative
 * @param maxTreeValues values the tree may hold when followed as a tree; positive
 */
public record ThReadLimits(long copyAllowanceBytes, long maxTreeValues) {
  /** The system property that sets the default {@code copyAllowanceBytes}. */
  public static final String COPY_ALLOWANCE_PROPERTY = "noether.th.copyAllowance";

  public static final long DEFAULT_COPY_ALLOWANCE_BYTES = 64L << 20;
  public static final long DEFAULT_MAX_TREE_VALUES = 10_000_000;

  public ThReadLimits {
    if (copyAllowanceBytes < 0) {
      throw new IllegalArgumentException(
          "copyAllowanceBytes must not be negative: " + copyAllowanceBytes);
    }
    if (maxTreeValues <= 0) {
      throw new IllegalArgumentException("maxTreeValues must be positive: " + maxTreeValues);
    }
  }

  /**
   * The defaults, with {@code copyAllowanceBytes} from {@value #COPY_ALLOWANCE_PROPERTY} if set.
   *
   * @throws IllegalArgumentException naming the property if its value is not a size
   */
  public static ThReadLimits defaults() {
    String allowance = System.getProperty(COPY_ALLOWANCE_PROPERTY);
    return new ThReadLimits(
        allowance == null ? DEFAULT_COPY_ALLOWANCE_BYTES : parseBytes(allowance),
        DEFAULT_MAX_TREE_VALUES);
  }

  /** These limits with another copy allowance. */
  public ThReadLimits withCopyAllowanceBytes(long bytes) {
    return new ThReadLimits(bytes, maxTreeValues);
  }

  /** The bytes a file holding {@code tensorDataBytes} of tensor data may copy. */
  long copyBudget(long tensorDataBytes) {
    long sum = tensorDataBytes + copyAllowanceBytes;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  String explainCopyBudget(long tensorDataBytes) {
    return "the file's "
        + tensorDataBytes
        + " bytes of tensor data plus an allowance of "
        + copyAllowanceBytes
        + " bytes; if the file is trusted, raise the allowance with -D"
        + COPY_ALLOWANCE_PROPERTY
        + "=<bytes>";
  }

  private static long parseBytes(String value) {
    String v = value.trim().toLowerCase(java.util.Locale.ROOT);
    int shift =
        v.endsWith("k")
            ? 10
            : v.endsWith("m") ? 20 : v.endsWith("g") ? 30 : v.endsWith("t") ? 40 : 0;
    try {
      long n = Long.parseLong(shift == 0 ? v : v.substring(0, v.length() - 1));
      if (n < 0 || n > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "-D"
              + COPY_ALLOWANCE_PROPERTY
              + "="
              + value
              + " is not a size in bytes;"
              + " write e.g. 268435456, 256m or 8g");
    }
  }
}

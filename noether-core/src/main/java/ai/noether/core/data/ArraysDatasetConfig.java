package ai.noether.core.data;

import ai.noether.api.Nullable;
import ai.noether.api.tensor.DType;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Configuration of {@code kind: arrays}: each field of each split is an array file whose first
 * dimension is the sample index, memory-mapped: NumPy {@code .npy}, an array of a {@code .npz}
 * archive, or a tensor of a safetensors file.
 *
 * <pre>{@code
 * dataset:
 *   kind: arrays
 *   train:
 *     x: data/train_x.npy             # a .npy file
 *     rul: data/train.npz#rul         # array 'rul' of a .npz archive
 *     health: data/train.safetensors  # tensor 'health' (the field's name) of a safetensors file
 *   test:
 *     x: data/test_x.npy
 *     rul: data/test.npz#rul
 *     health: data/test.safetensors
 *   valid_fraction: 0.1               # samples drawn from train by the run seed
 *   dtypes: {x: float32}              # present a float64 file as float32
 * }</pre>
 *
 * <p>A source is {@code path}, or {@code path#name} for an array of a {@code .npz} or safetensors
 * file (without {@code #name}: the array named as the field). Relative paths are resolved against
 * the working directory of the process.
 *
 * @param train field name to source, for the training split; required
 * @param valid the same for the validation split; exclusive with {@code valid_fraction}
 * @param test the same for the test split
 * @param validFraction the fraction of training samples drawn as the validation split, in (0, 1)
 * @param validSeed the seed of that draw; default the run's seed
 * @param dtypes the dtype a field presents (converted per batch); default the file's
 * @param cacheDir where {@code .npz} members are extracted; default {@code noether-data-cache} in
 *     the temporary directory
 */
public record ArraysDatasetConfig(
    @JsonPropertyDescription("field name -> file (.npy), file.npz#array or file.safetensors#tensor")
        @JsonProperty(value = "train", required = true)
        Map<String, String> train,
    @JsonPropertyDescription("the validation split's fields, as train (or valid_fraction)")
        @JsonProperty("valid")
        Map<String, String> valid,
    @JsonPropertyDescription("the test split's fields, as train") @JsonProperty("test")
        Map<String, String> test,
    @JsonPropertyDescription(
            "fraction of the training samples drawn as validation split, in (0, 1)")
        @JsonProperty("valid_fraction")
        Double validFraction,
    @JsonPropertyDescription("seed of the validation draw")
        @JsonProperty(value = "valid_seed", defaultValue = "the run's seed")
        Long validSeed,
    @JsonPropertyDescription("field name -> dtype the field presents")
        @JsonProperty(value = "dtypes", defaultValue = "the file's")
        Map<String, DType> dtypes,
    @JsonPropertyDescription("where .npz members are extracted")
        @JsonProperty(value = "cache_dir", defaultValue = "<tmp>/noether-data-cache")
        String cacheDir) {

  public ArraysDatasetConfig {
    train = split("train", train);
    if (train == null) {
      throw new IllegalArgumentException(
          "train must map each field to its file, e.g. train: {x: data/x.npy, y: data/y.npy}");
    }
    valid = split("valid", valid);
    test = split("test", test);
    if (valid != null && validFraction != null) {
      throw new IllegalArgumentException(
          "valid and valid_fraction exclude each other: give validation files, or draw a"
              + " fraction of the training samples");
    }
    if (validFraction != null && !(validFraction > 0 && validFraction < 1)) {
      throw new IllegalArgumentException(
          "valid_fraction must be in (0, 1), e.g. 0.1; was " + validFraction);
    }
    if (validSeed != null && validFraction == null) {
      throw new IllegalArgumentException(
          "valid_seed is the seed of valid_fraction's draw; set valid_fraction too");
    }
    for (Map<String, String> other : new Map[] {valid, test}) {
      if (other != null && !other.keySet().equals(train.keySet())) {
        throw new IllegalArgumentException(
            "every split needs the same fields; train has "
                + train.keySet()
                + ", "
                + (other == valid ? "valid" : "test")
                + " has "
                + other.keySet());
      }
    }
    dtypes = dtypes == null ? Map.of() : Map.copyOf(dtypes);
    for (String f : dtypes.keySet()) {
      if (!train.containsKey(f)) {
        throw new IllegalArgumentException(
            "dtypes names '"
                + f
                + "', which is not a field; the fields are "
                + String.join(", ", train.keySet()));
      }
    }
  }

  private static @Nullable Map<String, String> split(
      String key, @Nullable Map<String, String> fields) {
    if (fields == null) {
      return null;
    }
    if (fields.isEmpty()) {
      throw new IllegalArgumentException(key + " must map at least one field to its file");
    }
    Map<String, String> out = new LinkedHashMap<>();
    fields.forEach(
        (field, source) -> {
          if (source == null || source.isBlank() || source.startsWith("#")) {
            throw new IllegalArgumentException(
                key + "." + field + " must name a file, e.g. data/" + field + ".npy");
          }
          out.put(field, source);
        });
    return java.util.Collections.unmodifiableMap(out);
  }
}

package ai.noether.java.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.npy.NpyWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --input FILE}: CSV rows and .npy arrays, checked against the model's per-sample input
 * shape.
 */
class FeatureFilesTest {
  @TempDir Path dir;

  @Test
  void aCsvRowHoldsAWindowStepAfterStepAndANpyArrayKeepsItsShape() throws Exception {
    Path csv = Files.writeString(dir.resolve("w.csv"), "1,2,3,4,5,6\n7,8,9,10,11,12\n");
    Path npy = dir.resolve("w.npy");
    NpyWriter.write(
        npy, HostTensor.ofDoubles(new long[] {2, 3, 2}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));

    HostTensor fromCsv = FeatureFiles.read(csv, new long[] {3, 2});
    HostTensor fromNpy = FeatureFiles.read(npy, new long[] {3, 2});

    assertThat(fromCsv.shape()).containsExactly(2, 3, 2);
    assertThat(fromNpy.shape()).containsExactly(2, 3, 2);
    assertThat(fromNpy.toFloatArray()).containsExactly(fromCsv.toFloatArray());
    HostTensor second = FeatureFiles.slice(fromCsv.toFloatArray(), fromCsv.shape(), 1, 1);
    assertThat(second.shape()).containsExactly(1, 3, 2);
    assertThat(second.toFloatArray()).containsExactly(7, 8, 9, 10, 11, 12);
  }

  @Test
  void aFileThatDoesNotFitTheModelsInputSaysWhatShapeIsExpected() throws Exception {
    Path csv = Files.writeString(dir.resolve("rows.csv"), "s1,s2\n1,2\n3,4\n");
    Path npy = dir.resolve("flat.npy");
    NpyWriter.write(npy, HostTensor.ofFloats(new long[] {2, 2}, 1, 2, 3, 4));

    assertThatThrownBy(() -> FeatureFiles.read(csv, new long[] {30, 14}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "rows.csv has 2 values per row, but the model takes a window [30, 14] per sample (420"
                + " values): give a .npy array of shape [samples, 30, 14], or a CSV with 420 values per row (the 30 steps"
                + " of a window one after another, 14 values each)");
    assertThatThrownBy(() -> FeatureFiles.read(npy, new long[] {30, 14}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "flat.npy holds samples of shape [2] (array [2, 2]), but the model takes a window [30, 14]");
    assertThatThrownBy(() -> FeatureFiles.read(csv, new long[] {3}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "has 2 values per row, but the model takes 3 values per sample: give a CSV with 3 values"
                + " per row, or a .npy array [samples, 3]");
    assertThat(FeatureFiles.read(csv, null).shape()).containsExactly(2, 2);
    assertThatThrownBy(() -> FeatureFiles.read(dir.resolve("none.csv"), null))
        .hasMessageContaining("does not exist");
  }
}

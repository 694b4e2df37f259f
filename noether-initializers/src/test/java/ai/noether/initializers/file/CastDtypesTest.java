package ai.noether.initializers.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.model.StateDictMismatchException;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.th.ThReader;
import ai.noether.initializers.HostModel;
import ai.noether.initializers.InitializerYaml;
import ai.noether.testkit.PythonTorch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cast_dtypes: true}: float16 and bfloat16 weights of real PyTorch files into a float32
 * model.
 */
class CastDtypesTest {
  @TempDir static Path torchDir;
  @TempDir Path dir;

  @BeforeAll
  static void writeFiles() {
    PythonTorch.assumeAvailable("numpy");
    PythonTorch.runScript(
        CastDtypesTest.class, "write_half_weights.py", torchDir, torchDir.toString());
  }

  private static HostModel model() {
    return HostModel.named("mlp").with("layers.0.weight", 4, 3).with("layers.0.bias", 4);
  }

  @Test
  void withoutTheOptInHalfPrecisionWeightsAreAMismatchThatNamesTheKey() {
    HostModel model = model();
    assertThatThrownBy(
            () ->
                InitializerYaml.create(
                        dir, null, "kind: checkpoint-file\npath: " + torchDir.resolve("half.pt"))
                    .initialize(model))
        .isInstanceOf(StateDictMismatchException.class)
        .hasMessageContaining("layers.0.weight: model float32[4, 3], state dict float16[4, 3]")
        .hasMessageContaining("set cast_dtypes: true on the initializer");
  }

  @Test
  void withCastDtypesTheyLoadAsTheFloat32ValuesPyTorchComputes() throws IOException {
    HostModel model = model();
    InitializerYaml.create(
            dir,
            null,
            "kind: checkpoint-file\npath: " + torchDir.resolve("half.pt") + "\ncast_dtypes: true")
        .initialize(model);
    Map<String, Object> expected = ThReader.read(torchDir.resolve("half_as_float.pt"));
    for (String key : new String[] {"layers.0.weight", "layers.0.bias"}) {
      assertThat(model.values(key))
          .as(key)
          .containsExactly(((HostTensor) expected.get(key)).toFloatArray());
    }
  }

  @Test
  void everyFloat16AndBfloat16BitPatternWidensToTheFloat32BitsOfPyTorch() throws IOException {
    HostModel model = HostModel.named("all").with("f16", 65536).with("bf16", 65536);
    InitializerYaml.create(
            dir,
            null,
            "kind: checkpoint-file\npath: " + torchDir.resolve("all.pt") + "\ncast_dtypes: true")
        .initialize(model);
    Map<String, Object> expected = ThReader.read(torchDir.resolve("all_as_float.pt"));
    for (String key : new String[] {"f16", "bf16"}) {
      float[] want = ((HostTensor) expected.get(key)).toFloatArray();
      float[] got = model.values(key);
      for (int i = 0; i < want.length; i++) {
        int w = Float.floatToRawIntBits(want[i]);
        int g = Float.floatToRawIntBits(got[i]);
        if (w != g) {
          throw new AssertionError(
              key
                  + " pattern "
                  + Integer.toHexString(i - 32768 & 0xffff)
                  + ": PyTorch "
                  + Integer.toHexString(w)
                  + ", ours "
                  + Integer.toHexString(g));
        }
      }
    }
  }
}

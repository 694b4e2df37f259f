package ai.noether.initializers.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.init.Initializer;
import ai.noether.api.model.LoadReport;
import ai.noether.api.model.StateDictMismatchException;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.safetensors.SafetensorsWriter;
import ai.noether.core.format.th.ThFormat;
import ai.noether.initializers.HostModel;
import ai.noether.initializers.InitializerYaml;
import ai.noether.testkit.PythonTorch;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileInitializerTest {
  /** torch's {@code nn.Sequential(Linear(3, 4), ReLU(), Linear(4, 2))} keys, renamed to ours. */
  static final String TORCH_TO_OURS =
      "patterns_to_rename: [{from: '^(\\d+)\\.', to: 'layers.$1.'}]";

  @TempDir static Path torchDir;
  static Map<String, float[]> torchValues;

  @TempDir Path dir;

  /**
   * Runs write_state_dicts.py once: the same trained weights as .pt, training dict, legacy .pt and
   * safetensors.
   */
  static synchronized Map<String, float[]> torchFiles() throws IOException {
    PythonTorch.assumeAvailable("numpy");
    if (torchValues == null) {
      String json =
          PythonTorch.runScript(
              CheckpointFileInitializerTest.class,
              "write_state_dicts.py",
              torchDir,
              torchDir.toString());
      Map<String, List<Double>> parsed =
          new ObjectMapper().readValue(json, new TypeReference<>() {});
      Map<String, float[]> values = new LinkedHashMap<>();
      parsed.forEach(
          (k, list) -> {
            float[] v = new float[list.size()];
            for (int i = 0; i < v.length; i++) {
              v[i] = list.get(i).floatValue();
            }
            values.put(k, v);
          });
      torchValues = values;
    }
    return torchValues;
  }

  /** Our mlp's layout for torch's model: layers.{0,2}.{weight,bias}. */
  static HostModel mlp() {
    return HostModel.named("mlp")
        .with("layers.0.weight", 4, 3)
        .with("layers.0.bias", 4)
        .with("layers.2.weight", 2, 4)
        .with("layers.2.bias", 2);
  }

  Initializer initializer(String yaml) {
    return InitializerYaml.create(dir, null, yaml);
  }

  static void assertHasTorchWeights(HostModel model, Map<String, float[]> torch) {
    torch.forEach(
        (key, values) -> assertThat(model.values("layers." + key)).as(key).containsExactly(values));
  }

  @Test
  void aTorchStateDictLoadsWithTorchKeysRenamedToOurs() throws IOException {
    Map<String, float[]> torch = torchFiles();
    HostModel model = mlp();

    LoadReport report =
        initializer(
                "kind: checkpoint-file\npath: "
                    + torchDir.resolve("sequential.pt")
                    + "\n"
                    + TORCH_TO_OURS)
            .initialize(model);

    assertThat(report.loaded())
        .containsExactly("layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias");
    assertHasTorchWeights(model, torch);
  }

  @Test
  void aTrainingCheckpointDictLoadsTheDictNamedByStateDictKey() throws IOException {
    Map<String, float[]> torch = torchFiles();
    HostModel model = mlp();

    initializer(
            "kind: checkpoint-file\npath: "
                + torchDir.resolve("training.pt")
                + "\nstate_dict_key: model_state_dict\n"
                + TORCH_TO_OURS)
        .initialize(model);

    assertHasTorchWeights(model, torch);
  }

  @Test
  void aTrainingCheckpointDictWithoutStateDictKeyListsItsKeysAndSuggestsOne() throws IOException {
    torchFiles();
    Path file = torchDir.resolve("training.pt");

    assertThatThrownBy(
            () ->
                initializer("kind: checkpoint-file\npath: " + file + "\n" + TORCH_TO_OURS)
                    .initialize(mlp()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "model.initializers[0] (checkpoint-file): "
                + file
                + " is not a plain state dict: its top-level keys"
                + " are model_state_dict (a dict of 4 entries, all tensors), optimizer_state_dict (a dict of 2 entries),"
                + " epoch (an int); name the one that holds the weights with state_dict_key, e.g. state_dict_key:"
                + " model_state_dict");
  }

  @Test
  void aStateDictKeyTheFileDoesNotHaveListsTheKeysItHas() throws IOException {
    torchFiles();
    Path file = torchDir.resolve("training.pt");

    assertThatThrownBy(
            () ->
                initializer("kind: checkpoint-file\npath: " + file + "\nstate_dict_key: model")
                    .initialize(mlp()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "model.initializers[0] (checkpoint-file): state_dict_key 'model' is not in "
                + file
                + "; its"
                + " top-level keys: model_state_dict (a dict of 4 entries, all tensors), optimizer_state_dict (a dict of"
                + " 2 entries), epoch (an int)");
    assertThatThrownBy(
            () ->
                initializer(
                        "kind: checkpoint-file\npath: "
                            + file
                            + "\nstate_dict_key: optimizer_state_dict")
                    .initialize(mlp()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "model.initializers[0] (checkpoint-file): "
                + file
                + ": the dict under state_dict_key"
                + " 'optimizer_state_dict' is not a state dict: its entry 'state' is a dict of 4 entries, not a tensor;"
                + " a state dict maps parameter names to tensors");
  }

  @Test
  void aSafetensorsFileWrittenFromTorchLoads() throws IOException {
    Map<String, float[]> torch = torchFiles();
    HostModel model = mlp();

    initializer(
            "kind: checkpoint-file\npath: "
                + torchDir.resolve("weights.safetensors")
                + "\n"
                + TORCH_TO_OURS)
        .initialize(model);

    assertHasTorchWeights(model, torch);
  }

  @Test
  void theLegacyTorchFormatIsRefusedWithHowToConvertIt() throws IOException {
    torchFiles();
    Path file = torchDir.resolve("legacy.pt");

    assertThatThrownBy(() -> initializer("kind: checkpoint-file\npath: " + file).initialize(mlp()))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessage(
            "model.initializers[0] (checkpoint-file): "
                + file
                + " was written by torch.save in the legacy"
                + " format (torch before 1.6, or _use_new_zipfile_serialization=False), which is not supported; load it in"
                + " Python and save it again with torch.save(obj, path) from torch 1.6 or later");
  }

  @Test
  void aNoetherModelFileLoadsTheWeightsUnderStateDict() throws IOException {
    Map<String, HostTensor> weights = new LinkedHashMap<>();
    weights.put(
        "layers.0.weight",
        HostTensor.ofFloats(new long[] {4, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
    weights.put("layers.0.bias", HostTensor.ofFloats(new long[] {4}, -1, -2, -3, -4));
    Path file = dir.resolve("mlp_cp=latest_model.th");
    ThFormat.write(file, Map.of("state_dict", weights, "checkpoint_tag", "latest", "run_id", "r1"));
    HostModel model = HostModel.named("mlp").with("layers.0.weight", 4, 3).with("layers.0.bias", 4);

    initializer("kind: checkpoint-file\npath: " + file).initialize(model);

    assertThat(model.values("layers.0.weight"))
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    assertThat(model.values("layers.0.bias")).containsExactly(-1, -2, -3, -4);
  }

  @Test
  void aSafetensorsFileIsToldApartByContentNotByName() throws IOException {
    Path file = dir.resolve("weights.bin");
    SafetensorsWriter.write(
        file, Map.of("encoder.weight", HostTensor.ofFloats(new long[] {2}, 0.5f, 1.5f)), Map.of());
    HostModel model = HostModel.named("m").with("encoder.weight", 2);

    initializer("kind: checkpoint-file\npath: " + file).initialize(model);

    assertThat(StateDictFiles.detect(file)).isEqualTo(StateDictFiles.Format.SAFETENSORS);
    assertThat(model.values("encoder.weight")).containsExactly(0.5f, 1.5f);
  }

  @Test
  void aNewHeadKeepsItsFreshValuesWhileTheBodyIsCopied() throws IOException {
    Map<String, float[]> torch = torchFiles();
    HostModel model =
        HostModel.named("mlp")
            .with("layers.0.weight", 4, 3)
            .with("layers.0.bias", 4)
            .with("layers.2.weight", 7, 4)
            .with("layers.2.bias", 7);
    Map<String, float[]> fresh = model.allValues();

    LoadReport report =
        initializer(
                "kind: checkpoint-file\npath: "
                    + torchDir.resolve("sequential.pt")
                    + "\n"
                    + TORCH_TO_OURS
                    + "\npatterns_to_keep_initialized: ['layers.2.*']")
            .initialize(model);

    assertThat(report.loaded()).containsExactly("layers.0.weight", "layers.0.bias");
    assertThat(report.isExact()).isTrue();
    assertThat(model.values("layers.0.weight")).containsExactly(torch.get("0.weight"));
    assertThat(model.values("layers.2.weight")).containsExactly(fresh.get("layers.2.weight"));
    assertThat(model.values("layers.2.bias")).containsExactly(fresh.get("layers.2.bias"));
  }

  @Test
  void withoutRenamingTorchKeysFailListingEveryKeyAndTheFile() throws IOException {
    torchFiles();
    Path file = torchDir.resolve("sequential.pt");

    assertThatThrownBy(() -> initializer("kind: checkpoint-file\npath: " + file).initialize(mlp()))
        .isInstanceOf(StateDictMismatchException.class)
        .hasMessageStartingWith(
            "state dict does not match model 'mlp' (model.initializers[0]: file "
                + file
                + "):\n"
                + "  missing keys (in the model, not in the state dict): [layers.0.weight, layers.0.bias, layers.2.weight,"
                + " layers.2.bias]\n"
                + "  unexpected keys (in the state dict, not in the model): [0.weight, 0.bias, 2.weight, 2.bias]");
  }

  @Test
  void aMissingFileIsNamedWithItsAbsolutePath() {
    Path absolute = Path.of("no-such-dir/weights.pt").toAbsolutePath();

    assertThatThrownBy(
            () ->
                initializer("kind: checkpoint-file\npath: no-such-dir/weights.pt")
                    .initialize(mlp()))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "model.initializers[0] (checkpoint-file): file "
                + absolute
                + " does not exist (path"
                + " 'no-such-dir/weights.pt' is relative to the working directory "
                + Path.of("").toAbsolutePath()
                + ")");
  }

  @Test
  void aFileOfAnotherKindShowsItsFirstBytes() throws IOException {
    Path file = Files.writeString(dir.resolve("weights.txt"), "not weights at all");

    assertThatThrownBy(() -> initializer("kind: checkpoint-file\npath: " + file).initialize(mlp()))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessage(
            "model.initializers[0] (checkpoint-file): "
                + file
                + " is neither a PyTorch/Noether file (a zip"
                + " archive) nor a safetensors file (an 8-byte header length followed by a JSON header); its first bytes"
                + " are 6e 6f 74 20 77 65 69 67");
  }

  @Test
  void stateDictKeyIsRefusedForASafetensorsFile() throws IOException {
    Path file = dir.resolve("w.safetensors");
    SafetensorsWriter.write(file, Map.of("w", HostTensor.ofFloats(new long[] {1}, 1f)), Map.of());

    assertThatThrownBy(
            () ->
                initializer("kind: checkpoint-file\npath: " + file + "\nstate_dict_key: model")
                    .initialize(HostModel.named("m").with("w", 1)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "model.initializers[0] (checkpoint-file): state_dict_key 'model' is set, but "
                + file
                + " is a safetensors file, whose tensors are the state dict; leave state_dict_key out");
  }

  @Test
  void pathIsRequiredWhenTheConfigurationIsBound() {
    assertThatThrownBy(() -> initializer("kind: checkpoint-file\nstate_dict_key: model"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "model.initializers[0]: path is required: the weights file, e.g. path: pretrained/model.pt");
  }
}

package ai.noether.initializers.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import ai.noether.api.ConfigException;
import ai.noether.api.tensor.HostTensor;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyMappingTest {

  static Map<String, HostTensor> stored(String... keys) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (int i = 0; i < keys.length; i++) {
      out.put(keys[i], HostTensor.ofFloats(new long[] {1}, i));
    }
    return out;
  }

  static Set<String> model(String... keys) {
    return new LinkedHashSet<>(List.of(keys));
  }

  @Test
  void removesThenRenamesThenKeepsKeysFresh() {
    KeyMapping mapping =
        KeyMapping.of(
            List.of("aux.*"),
            List.of(
                new RenamePattern("^(\\d+)\\.", "layers.$1."),
                new RenamePattern("^layers\\.2\\.", "head.")),
            List.of("head.*"));

    KeyMapping.Result r =
        mapping.apply(
            stored("0.weight", "0.bias", "aux.weight", "2.weight", "2.bias"),
            model("layers.0.weight", "layers.0.bias", "head.weight", "head.bias"));

    assertThat(r.removed()).containsExactly("aux.weight");
    assertThat(r.renamed())
        .containsExactly(
            entry("0.weight", "layers.0.weight"),
            entry("0.bias", "layers.0.bias"),
            entry("2.weight", "head.weight"),
            entry("2.bias", "head.bias"));
    assertThat(r.stateDict()).containsOnlyKeys("layers.0.weight", "layers.0.bias");
    assertThat(r.stateDict().get("layers.0.bias").toFloatArray()).containsExactly(1f);
    assertThat(r.keptFresh()).containsExactly("head.weight", "head.bias");
    assertThat(r.droppedAsFresh()).containsExactly("head.weight", "head.bias");
    assertThat(r.unusedPatterns()).isEmpty();
    assertThat(r.summary()).isEqualTo("after removing 1 key, renaming 4 and keeping 2 fresh");
  }

  @Test
  void removalHappensBeforeRenamingSoItMatchesTheStoredNames() {
    KeyMapping mapping =
        KeyMapping.of(
            List.of("backbone.fc.*"), List.of(new RenamePattern("^backbone\\.", "")), null);

    KeyMapping.Result r =
        mapping.apply(stored("backbone.conv.weight", "backbone.fc.weight"), model("conv.weight"));

    assertThat(r.stateDict()).containsOnlyKeys("conv.weight");
    assertThat(r.summary()).isEqualTo("after removing 1 key and renaming 1");
  }

  @Test
  void aGlobMatchesTheWholeKeyAndTreatsDotsLiterally() {
    KeyMapping mapping =
        KeyMapping.of(List.of("head.*", "*.num_batches_tracked", "bn?.bias"), null, null);

    KeyMapping.Result r =
        mapping.apply(
            stored(
                "head.weight",
                "heads.weight",
                "encoder.head.weight",
                "bn.num_batches_tracked",
                "bn1.bias",
                "headxweight"),
            model());

    assertThat(r.removed()).containsExactly("head.weight", "bn.num_batches_tracked", "bn1.bias");
    assertThat(r.stateDict())
        .containsOnlyKeys("heads.weight", "encoder.head.weight", "headxweight");
  }

  @Test
  void aRenameReplacesEveryMatchLikePythonsReSub() {
    KeyMapping mapping = KeyMapping.of(null, List.of(new RenamePattern("_", ".")), null);

    assertThat(mapping.apply(stored("blocks_0_attn_qkv"), model()).stateDict())
        .containsOnlyKeys("blocks.0.attn.qkv");
  }

  @Test
  void anEmptyAnchorAddsAPrefixToEveryKey() {
    KeyMapping mapping =
        KeyMapping.of(null, List.of(new RenamePattern("^", "decoder.")), List.of("encoder.*"));

    KeyMapping.Result r =
        mapping.apply(
            stored("proj.weight", "proj.bias"),
            model("encoder.w", "decoder.proj.weight", "decoder.proj.bias"));

    assertThat(r.stateDict()).containsOnlyKeys("decoder.proj.weight", "decoder.proj.bias");
    assertThat(r.keptFresh()).containsExactly("encoder.w");
  }

  @Test
  void namedGroupsMayBeUsedInTheReplacement() {
    KeyMapping mapping =
        KeyMapping.of(null, List.of(new RenamePattern("^module\\.(?<rest>.*)$", "${rest}")), null);

    assertThat(mapping.apply(stored("module.fc.weight"), model()).stateDict())
        .containsOnlyKeys("fc.weight");
  }

  @Test
  void twoStoredKeysRenamedToTheSameKeyAreAnError() {
    KeyMapping mapping =
        KeyMapping.of(null, List.of(new RenamePattern("^(encoder|backbone)\\.", "")), null);

    assertThatThrownBy(() -> mapping.apply(stored("encoder.w", "backbone.w"), model("w")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "patterns_to_rename map both 'encoder.w' and 'backbone.w' to 'w'; change the patterns so that every"
                + " key gets its own name, or remove one of them with keys_to_remove");
  }

  @Test
  void patternsThatMatchNothingAreReportedAsLikelyTypos() {
    KeyMapping mapping =
        KeyMapping.of(
            List.of("decoder.*"),
            List.of(new RenamePattern("^0\\.", "layers.0.")),
            List.of("classifier.*"));

    KeyMapping.Result r = mapping.apply(stored("layers.0.weight"), model("layers.0.weight"));

    assertThat(r.unusedPatterns())
        .containsExactly(
            "keys_to_remove 'decoder.*' matches no stored key",
            "patterns_to_rename {from: '^0\\.', to: 'layers.0.'} matches no stored key",
            "patterns_to_keep_initialized 'classifier.*' matches no key of the model or the state dict");
  }

  @Test
  void theIdentityMappingLoadsEveryKeyUnderItsOwnName() {
    KeyMapping.Result r = KeyMapping.none().apply(stored("a", "b"), model("a", "b"));

    assertThat(KeyMapping.none().isIdentity()).isTrue();
    assertThat(r.stateDict()).containsOnlyKeys("a", "b");
    assertThat(r.summary()).isEmpty();
  }

  @Test
  void anEmptyGlobNamesItsKeyAndIndex() {
    assertThatThrownBy(() -> KeyMapping.of(List.of("a.*", " "), null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "keys_to_remove[1] has an empty pattern; write a parameter path or a glob such as head.* or *.bias");
  }

  @Test
  void summariesNameTheUnitOnTheFirstStepOnly() {
    assertThat(
            new KeyMapping.Result(
                    Map.of(), List.of(), Map.of("a", "b"), List.of(), List.of(), List.of())
                .summary())
        .isEqualTo("after renaming 1 key");
    assertThat(
            new KeyMapping.Result(
                    Map.of(), List.of("x", "y"), Map.of(), List.of("h"), List.of(), List.of())
                .summary())
        .isEqualTo("after removing 2 keys and keeping 1 fresh");
  }
}

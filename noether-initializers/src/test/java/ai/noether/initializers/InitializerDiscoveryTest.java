package ai.noether.initializers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.spi.InitializerFactory;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.Registration;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.initializers.file.CheckpointFileInitializer;
import ai.noether.initializers.file.CheckpointFileInitializerConfig;
import ai.noether.initializers.mapping.RenamePattern;
import ai.noether.initializers.previousrun.PreviousRunInitializer;
import ai.noether.initializers.previousrun.PreviousRunInitializerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitializerDiscoveryTest {
  @TempDir Path dir;

  @Test
  void bothKindsAreListedInTheModulesServicesFile() {
    assertThat(ServiceLoader.load(InitializerFactory.class).stream().map(p -> p.get().kind()))
        .contains("previous-run", "checkpoint-file");
  }

  @Test
  void theRegistryFindsBothKindsWithTheirDescriptionsAndSource() {
    assertThat(InitializerYaml.REGISTRY.registrations(ComponentCategory.INITIALIZER))
        .extracting(Registration::kind)
        .containsExactly("checkpoint-file", "previous-run");
    assertThat(InitializerYaml.REGISTRY.registrations(ComponentCategory.INITIALIZER))
        .allSatisfy(
            r -> {
              assertThat(r.description()).isNotEmpty();
              assertThat(r.source()).endsWith("noether-initializers/target/classes");
            });
    assertThat(InitializerYaml.REGISTRY.ignored()).isEmpty();
  }

  @Test
  void blocksOfBothKindsBuildTheirInitializers() {
    assertThat(
            InitializerYaml.create(
                dir, FileCheckpointStore.open(dir), "kind: previous-run\nrun_id: r1"))
        .isInstanceOf(PreviousRunInitializer.class);
    assertThat(InitializerYaml.create(dir, null, "kind: checkpoint-file\npath: w.pt"))
        .isInstanceOf(CheckpointFileInitializer.class);
  }

  @Test
  void aKindMayAlsoBeTheFactorysClassName() {
    assertThat(
            InitializerYaml.create(
                dir,
                FileCheckpointStore.open(dir),
                "kind: ai.noether.initializers.previousrun.PreviousRunInitializerFactory\nrun_id: r1"))
        .isInstanceOf(PreviousRunInitializer.class);
  }

  @Test
  void aMisspeltKindSuggestsTheRegisteredOne() {
    assertThatThrownBy(() -> InitializerYaml.create(dir, null, "kind: previous_run\nrun_id: r1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.initializers[0]: unknown initializer kind 'previous_run'")
        .hasMessageContaining("previous-run");
  }

  @Test
  void anUnknownKeyListsTheValidKeysOfTheKind() {
    assertThatThrownBy(
            () ->
                InitializerYaml.create(
                    dir,
                    FileCheckpointStore.open(dir),
                    "kind: previous-run\nrun_id: r1\npatterns_to_keep: ['head.*']"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("patterns_to_keep")
        .hasMessageContaining("patterns_to_keep_initialized");
  }

  @Test
  void everyKeyOfPreviousRunBindsFromYaml() {
    Object bound =
        InitializerYaml.REGISTRY.bind(
            ComponentCategory.INITIALIZER,
            InitializerYaml.runConfig(
                    dir,
                    """
        kind: previous-run
        run_id: r1
        model_name: mlp
        stage_name: pretrain
        checkpoint_tag: best.loss/valid
        model_info: ema_factor=0.9999
        output_dir: /data/runs
        keys_to_remove: ["aux.*"]
        patterns_to_rename: [{from: '^net\\.', to: 'layers.'}]
        patterns_to_keep_initialized: ["head.*"]
        strict: false
        """)
                .model()
                .initializers()
                .get(0));

    assertThat(bound)
        .isEqualTo(
            new PreviousRunInitializerConfig(
                "r1",
                "mlp",
                "pretrain",
                "best.loss/valid",
                "ema_factor=0.9999",
                "/data/runs",
                List.of("aux.*"),
                List.of(new RenamePattern("^net\\.", "layers.")),
                List.of("head.*"),
                false));
  }

  @Test
  void everyKeyOfCheckpointFileBindsFromYaml() {
    Object bound =
        InitializerYaml.REGISTRY.bind(
            ComponentCategory.INITIALIZER,
            InitializerYaml.runConfig(
                    dir,
                    """
        kind: checkpoint-file
        path: pretrained/model.pt
        state_dict_key: model_state_dict
        keys_to_remove: ["aux.*"]
        patterns_to_rename: [{from: '^(\\d+)\\.', to: 'layers.$1.'}]
        patterns_to_keep_initialized: ["head.*"]
        strict: false
        """)
                .model()
                .initializers()
                .get(0));

    assertThat(bound)
        .isEqualTo(
            new CheckpointFileInitializerConfig(
                "pretrained/model.pt",
                "model_state_dict",
                List.of("aux.*"),
                List.of(new RenamePattern("^(\\d+)\\.", "layers.$1.")),
                List.of("head.*"),
                false));
  }

  @Test
  void omittedKeysTakeTheirDefaults() {
    PreviousRunInitializerConfig config =
        (PreviousRunInitializerConfig)
            InitializerYaml.REGISTRY.bind(
                ComponentCategory.INITIALIZER,
                InitializerYaml.runConfig(dir, "kind: previous-run\nrun_id: r1")
                    .model()
                    .initializers()
                    .get(0));

    assertThat(config)
        .isEqualTo(
            new PreviousRunInitializerConfig(
                "r1", null, null, "latest", null, null, List.of(), List.of(), List.of(), true));
  }
}

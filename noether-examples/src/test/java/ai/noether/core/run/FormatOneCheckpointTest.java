package ai.noether.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.model.ModelSnapshot;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.checkpoint.CheckpointContents;
import ai.noether.core.checkpoint.TrainingSnapshot;
import ai.noether.core.config.RunConfig;
import ai.noether.core.format.internal.ChannelFile;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.RunContext;
import ai.noether.core.resume.CheckpointReader;
import ai.noether.core.resume.CheckpointResolver;
import ai.noether.core.resume.LoadedCheckpoint;
import ai.noether.core.run.StageRuns.Outcome;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoints written before format 2 (the optimizer state keyed by parameter path under {@code
 * optimizer}, no {@code callback_state_dicts}) still resume bit for bit. The format-1 checkpoint is
 * the emergency checkpoint of an interrupted stage, written again by the format-1 writer that
 * {@link CheckpointContents} keeps, and committed through the store as any checkpoint.
 */
class FormatOneCheckpointTest {
  private static final List<String> METADATA =
      List.of(
          CheckpointKeys.CHECKPOINT_TAG,
          CheckpointKeys.TRAINING_ITERATION,
          CheckpointKeys.RUN_ID,
          CheckpointKeys.STAGE_NAME,
          CheckpointKeys.FORMAT_VERSION);

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sgd", "adamw"})
  void aFormatOneCheckpointResumesBitIdentical(String optimizer) throws Exception {
    String yaml = ResumeParityTest.stage(optimizer);
    String out = "output_dir=" + dir;
    Outcome uninterrupted = StageRuns.train(yaml, out, "run_id=full");
    Outcome interrupted = StageRuns.train(yaml, out, "run_id=cut", ResumeParityTest.INTERRUPT);

    RunConfig config = StageRuns.config(yaml, List.of(out, "run_id=old"));
    try (CheckpointStore store =
        StageRuns.REGISTRY.create(
            ComponentCategory.STORE, config.store(), config.output(), RunContext.forRun(config))) {
      StoredCheckpoint written =
          rewriteInFormatOne(store, interrupted.result().finalCheckpoint(), config.stage());
      Map<String, Object> optim = read(store, written, CheckpointFileKind.OPTIM);
      assertThat(optim)
          .containsEntry(CheckpointKeys.FORMAT_VERSION, 1L)
          .containsKey(CheckpointKeys.OPTIMIZER)
          .doesNotContainKeys(CheckpointKeys.OPTIMIZER_STATE, CheckpointKeys.PARAM_IDX_TO_NAME);
      Map<?, ?> state =
          (Map<?, ?>)
              ((Map<?, ?>) optim.get(CheckpointKeys.OPTIMIZER)).get(CheckpointKeys.OPTIMIZER_STATE);
      assertThat(state.containsKey("layers.0.weight"))
          .as("format 1 keys the state by parameter path")
          .isTrue();
      assertThat(read(store, written, CheckpointFileKind.TRAINER))
          .containsEntry(CheckpointKeys.FORMAT_VERSION, 1L)
          .doesNotContainKey(CheckpointKeys.CALLBACK_STATE_DICTS);
    }

    Outcome resumed =
        StageRuns.train(yaml, out, "run_id=old", "resume_run_id=old", "resume_stage_name=train");
    ResumeParityTest.assertSameEnd(resumed, uninterrupted);
  }

  /**
   * Commits the checkpoint {@code from} again in {@code stage}, in format 1: the trees its files
   * hold go through {@link CheckpointContents} with write version 1, the optimizer state in the
   * in-memory layout that format 1 stored as it is.
   */
  @SuppressWarnings("unchecked")
  private static StoredCheckpoint rewriteInFormatOne(
      CheckpointStore store, StoredCheckpoint from, StageId stage) throws IOException {
    LoadedCheckpoint loaded = CheckpointReader.forResume(store, from, "net");
    List<ModelSnapshot> models = new ArrayList<>();
    Map<String, Object> primary = null;
    for (StoredFile f : from.files()) {
      if (f.name().kind() == CheckpointFileKind.MODEL) {
        Map<String, Object> tree = read(store, from, f);
        primary = primary == null ? tree : primary;
        models.add(
            new ModelSnapshot(
                f.name().modelName(),
                f.name().modelInfo(),
                (Map<String, HostTensor>) (Map<?, ?>) tree.get(CheckpointKeys.STATE_DICT)));
      }
    }
    Map<String, Object> trainer = new LinkedHashMap<>(loaded.trainer());
    METADATA.forEach(trainer::remove);
    trainer.remove(CheckpointKeys.CALLBACK_STATE_DICTS);
    TrainingSnapshot snapshot =
        new TrainingSnapshot(
            loaded.iteration(),
            models,
            Map.of("net", (Map<String, Object>) primary.get(CheckpointKeys.MODEL_CONFIG)),
            Map.of("net", formatOneOptimizerState(loaded.optimizer())),
            Map.of("net", loaded.schedule()),
            trainer,
            (Map<String, Object>) primary.get(CheckpointKeys.EXTRAS));
    CheckpointTag tag =
        CheckpointTag.parse((String) loaded.trainer().get(CheckpointKeys.CHECKPOINT_TAG));
    List<CheckpointFile> files =
        new CheckpointContents(stage, ThFormat.encoder(), 1).resumable(tag, snapshot);
    store.commit(stage, tag, loaded.iteration(), files, Set.of(CheckpointTag.LATEST));
    return CheckpointResolver.of(store).resolve(stage, CheckpointSelector.of(CheckpointTag.LATEST));
  }

  /** The groups as format 1 wrote them: the base learning rate, no keys that only PyTorch knows. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> formatOneOptimizerState(Map<String, Object> state) {
    Map<String, Object> out = new LinkedHashMap<>(state);
    List<Object> groups = new ArrayList<>();
    for (Object g : (List<Object>) state.get(CheckpointKeys.PARAM_GROUPS)) {
      Map<String, Object> group = new LinkedHashMap<>((Map<String, Object>) g);
      group.put(CheckpointKeys.LR, group.remove(CheckpointKeys.INITIAL_LR));
      List.of(
              CheckpointKeys.AMSGRAD,
              CheckpointKeys.MAXIMIZE,
              CheckpointKeys.FOREACH,
              CheckpointKeys.CAPTURABLE,
              CheckpointKeys.DIFFERENTIABLE,
              CheckpointKeys.FUSED)
          .forEach(group::remove);
      groups.add(group);
    }
    out.put(CheckpointKeys.PARAM_GROUPS, groups);
    return out;
  }

  private static Map<String, Object> read(
      CheckpointStore store, StoredCheckpoint cp, CheckpointFileKind kind) throws IOException {
    return read(store, cp, cp.file("net", null, kind).orElseThrow());
  }

  private static Map<String, Object> read(CheckpointStore store, StoredCheckpoint cp, StoredFile f)
      throws IOException {
    try (FileChannel channel = ChannelFile.of(store.open(cp, f))) {
      return ThReader.read(channel, f.name().format());
    }
  }
}

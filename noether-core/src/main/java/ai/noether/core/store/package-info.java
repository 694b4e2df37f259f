/**
 * The file-system checkpoint store ({@code kind: file}, the default): Noether's layout {@code
 * <output_dir>/<run_id>/<stage_name>/checkpoints/{model}[_{info}]_cp={tag}_{model|optim|trainer}.th},
 * atomic multi-file commits through a per-tag manifest in {@code checkpoints/.noether/}, and {@code
 * latest}/{@code last} as hard links that never copy bytes.
 *
 * <p>{@link ai.noether.core.store.FileCheckpointStore} is the store; {@link
 * ai.noether.core.store.FileCheckpointStoreFactory} registers it under the kind {@code file}.
 * Checkpoint contents are opaque here: the {@code .th} format lives elsewhere and plugs in through
 * {@link ai.noether.core.store.IterationProbe} where the store needs to look inside a file ({@link
 * ai.noether.core.store.ThIterationProbe} by default: the iteration of a {@code latest}, {@code
 * last} or best file written by Noether in Python, read from the file's metadata). Runs trained
 * without a stage ({@code <run_id>/checkpoints/}) are the stage {@link
 * ai.noether.api.checkpoint.StageId#NO_STAGE}. The user documentation is {@code
 * docs/checkpoint-store.md}.
 *
 * <p>The store's pieces: {@link ai.noether.core.store.ManifestCommit} writes (stored copies, then
 * the manifests, whose first rename is the commit point; aliases; deletion), {@link
 * ai.noether.core.store.NoetherNameLinks} points the Noether names at the committed copies, {@link
 * ai.noether.core.store.StageCleanup} repairs what a crashed writer left, {@link
 * ai.noether.core.store.StoredCopyReads} opens files with their size and CRC32C checked (or {@link
 * ai.noether.core.store.DeferredCrcCheck} for a reader that checks the CRC32C in its own pass), and
 * {@code StageListing} reads a stage. {@link ai.noether.core.store.CommitRules}, {@link
 * ai.noether.core.store.CommittedFiles} and {@link ai.noether.core.store.RunNotFound} are the
 * checks and messages every manifest-based store shares (the S3 store uses them too).
 */
package ai.noether.core.store;

/**
 * The file-system checkpoint store ({@code kind: file}, the default): Noether's layout
 * {@code <output_dir>/<run_id>/<stage_name>/checkpoints/{model}[_{info}]_cp={tag}_{model|optim|trainer}.th},
 * atomic multi-file commits through a per-tag manifest in {@code checkpoints/.noether/}, and
 * {@code latest}/{@code last} as hard links that never copy bytes.
 *
 * <p>{@link ai.noether.core.store.FileCheckpointStore} is the store;
 * {@link ai.noether.core.store.FileCheckpointStoreFactory} registers it under the kind {@code file}.
 * Checkpoint contents are opaque here: the {@code .th} format lives elsewhere and plugs in through
 * {@link ai.noether.core.store.IterationProbe} where the store needs to look inside a file.
 * The user documentation is {@code docs/checkpoint-store.md}.
 */
package ai.noether.core.store;

/**
 * Checkpoint names, tags and storage: {@link ai.noether.api.checkpoint.TrainingIteration}, {@link
 * ai.noether.api.checkpoint.CheckpointTag}, {@link ai.noether.api.checkpoint.CheckpointFileName},
 * {@link ai.noether.api.checkpoint.RunLayout} and the {@link
 * ai.noether.api.checkpoint.CheckpointStore} contract. The names follow Noether's layout {@code
 * <output_dir>/<run_id>/<stage_name>/checkpoints/{model_name}[_{model_info}]_cp={checkpoint}_{model|optim|trainer}.th}.
 */
package ai.noether.api.checkpoint;

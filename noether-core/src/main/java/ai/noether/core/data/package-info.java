/**
 * File-backed datasets with named fields ({@link ai.noether.api.data.FieldDataset}) and the dataset
 * kinds that configure them: {@code table} (delimited text, optionally sliding windows over the
 * series of an id column) and {@code arrays} ({@code .npy}, {@code .npz}, safetensors).
 *
 * <p>Nothing proportional to a file is held on the Java heap: arrays are memory-mapped, text is
 * parsed once into a memory-mapped binary cache ({@link ai.noether.core.data.DataCache}), a split
 * drawn from a file lists its rows in direct memory ({@link ai.noether.core.data.RowSelection}) and
 * windows are located through a few numbers per series. A batch reads only its samples, so a
 * dataset larger than the heap trains. Datasets are safe for concurrent {@code gather} calls.
 *
 * <p>Subpackages: {@code text} (the text reader and row datasets), {@code window} (series and
 * windows). The engine-neutral code lives in {@code noether-core} beside the formats it reads
 * (safetensors, NumPy) and the registry that finds its kinds; an engine's step consumes the fields.
 *
 * <p>The scaler ({@code dataset.scaler}) is fitted on the training split only; its parameters
 * travel as {@code scaler_params} in every model file and are reused, never refitted, on resume and
 * at inference ({@link ai.noether.core.data.ScaledDataSource#withParams}).
 */
package ai.noether.core.data;

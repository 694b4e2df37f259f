/**
 * Engine-neutral data preparation around {@link ai.noether.api.data.FieldDataset}s: the scaler
 * ({@code dataset.scaler}), fitted on the training split only, whose parameters travel as
 * {@code scaler_params} in every model file and are reused, never refitted, on resume and at
 * inference ({@link ai.noether.core.data.ScaledDataSource#withParams}).
 */
package ai.noether.core.data;

/**
 * The safetensors format, Noether's export format for deployment: a small JSON header and the raw
 * tensor bytes, which inference stacks read without running any code.
 *
 * <p>{@link ai.noether.core.format.safetensors.SafetensorsWriter} writes a map of tensors and
 * optional string metadata; {@link ai.noether.core.format.safetensors.SafetensorsReader} reads and
 * validates a file into {@link ai.noether.core.format.safetensors.SafetensorsContents}, with
 * tensors memory-mapped. Checkpoints themselves are {@code .th} files (see {@code
 * ai.noether.core.format.th}); a state dict moves from one to the other as a {@code Map<String,
 * HostTensor>}.
 */
package ai.noether.core.format.safetensors;

/**
 * The {@code checkpoint-file} initializer: weights from one file given by path, in any format
 * {@link ai.noether.initializers.file.StateDictFiles} reads (PyTorch's zip serialization, which
 * covers Noether {@code .th} files and {@code torch.save}d state dicts, and safetensors).
 */
package ai.noether.initializers.file;

/**
 * The {@code .th} checkpoint container: PyTorch's own serialization layout, so that Python's {@code
 * torch.load(path, weights_only=True)} reads Noether's checkpoints and Noether reads PyTorch's
 * state dicts.
 *
 * <p>A file is a zip archive of uncompressed records under one directory ({@code archive/} when
 * this package writes it): {@code data.pkl}, a protocol-2 pickle of the object tree in which each
 * tensor refers to its storage by key; {@code data/<key>}, the raw little-endian bytes of each
 * storage, aligned to 64 bytes; {@code byteorder} and {@code version}. Every record carries its zip
 * CRC-32, which is checked on load.
 *
 * <p>Entry points: {@link ai.noether.core.format.th.ThFormat} (write; the production {@link
 * ai.noether.core.checkpoint.CheckpointEncoder}) and {@link ai.noether.core.format.th.ThReader}
 * (read). Everything else is package-private: the zip layout and directory, the pickle writer and
 * the restricted unpickler ({@code RestrictedUnpickler}, its opcode switch, and the parts it
 * drives: {@code PickleInput}, {@code PickleStack}, {@code DictKeyGuard}, {@code AllowedGlobals},
 * {@code PersistentStorageIds}, {@code ObjectGraphCheck}), whose set of allowed globals ({@code
 * TorchTypes}, applied by {@code AllowedGlobals}) is the security boundary of checkpoint loading.
 * Widening that set is a security decision, not a convenience: an allowed global must never be
 * callable with arbitrary effects. Reading is also bounded in time and memory for any file ({@link
 * ai.noether.core.format.th.ThReadLimits}): a new opcode, record kind or value must keep every step
 * linear in the file and every allocation counted before it is made.
 *
 * <p>The layout written is PyTorch's zip file format version {@value
 * ai.noether.core.format.th.ThFormat#FILE_FORMAT_VERSION}; a change to what is written would be a
 * new format package, not an edit of this one.
 */
package ai.noether.core.format.th;

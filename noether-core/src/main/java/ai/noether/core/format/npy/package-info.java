/**
 * NumPy's array files: {@code .npy} ({@link ai.noether.core.format.npy.NpyReader}, memory-mapped;
 * {@link ai.noether.core.format.npy.NpyWriter}) and {@code .npz} archives ({@link
 * ai.noether.core.format.npy.NpzReader}, each array extracted once into a data cache and
 * memory-mapped from there). File-backed datasets read their arrays through these classes.
 */
package ai.noether.core.format.npy;

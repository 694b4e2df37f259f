/**
 * Test helpers for plugin authors and for Noether's own modules (depend on noether-testkit with
 * test scope): {@link ai.noether.testkit.RecordingTrainingContext} for unit tests of a callback,
 * {@link ai.noether.testkit.YamlBlockBinder} to bind a YAML block to a plugin's config record as a
 * run does, {@link ai.noether.testkit.TinyRun} for a few real updates through the trainer and the
 * file store, {@link ai.noether.testkit.CheckpointStoreContract} for a store implementation, {@link
 * ai.noether.testkit.TestComponentContext} for a factory's services, and {@link
 * ai.noether.testkit.NoetherProcess} and {@link ai.noether.testkit.PythonTorch} for tests that kill
 * a training process or check files against PyTorch. See docs/testkit.md.
 */
package ai.noether.testkit;

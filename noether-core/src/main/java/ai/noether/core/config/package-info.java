/**
 * Run configuration: one YAML file per run, bound to immutable records.
 *
 * <p>{@link ai.noether.core.config.RunConfigLoader} reads the file (recording the line of every
 * key), applies command-line overrides {@code key.path=value}, fills in defaults (a run id from
 * {@link ai.noether.core.config.RunIds} among them) and binds the keys the framework reads itself
 * into a {@link ai.noether.core.config.RunConfig}. Each component ({@code store}, {@code dataset},
 * {@code model}, {@code optimizer} and its {@code schedule}, the training step, every initializer
 * and callback) stays a {@link ai.noether.core.config.ComponentBlock} — its {@code kind} plus a
 * plain tree — until the component registry binds it to the factory's config type with {@link
 * ai.noether.core.config.ConfigBinder}.
 *
 * <p>Inside the loader, {@code RunConfigBinding} binds the root mapping: {@code RootKeys} reads the
 * resume keys, {@code output_dir}, {@code device} and {@code engine}; {@code ModelSectionReader},
 * {@code OptimizerSectionReader} and {@code TrainerSectionReader} read their blocks; {@code
 * ResolvedTree} builds the resolved configuration that runs and checkpoints save. Each section
 * reader records its problems in a {@link ai.noether.core.config.ConfigErrors} and goes on, so one
 * error lists them all.
 *
 * <p>Every problem is an {@link ai.noether.api.ConfigException} whose message starts with where the
 * value was written ({@code run.yaml line 12}, or {@code command-line argument '...'}) and names
 * the YAML path and what would be valid. The keys are documented in {@code docs/configuration.md};
 * their names are constants in {@link ai.noether.core.config.ConfigKeys}.
 */
package ai.noether.core.config;

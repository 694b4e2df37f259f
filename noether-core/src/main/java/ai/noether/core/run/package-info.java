/**
 * Running a stage: {@link ai.noether.core.run.StageAssembly} builds every component of a bound
 * configuration through the registry (fresh, or resumed from a checkpoint) into a ready {@link
 * ai.noether.core.training.Trainer}. The command line's {@code TrainingLauncher} calls it; this
 * package knows nothing of commands, options or exit codes.
 */
package ai.noether.core.run;

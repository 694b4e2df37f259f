/**
 * Running a stage: {@link ai.noether.core.run.StageAssembly} builds every component of a bound
 * configuration through the registry (fresh, or resumed from a checkpoint) into a ready
 * {@link ai.noether.core.training.Trainer}; {@link ai.noether.core.cli.TrainingLauncher} is what
 * {@code noether train} and {@code noether resume} run.
 */
package ai.noether.core.run;

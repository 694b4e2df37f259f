/**
 * Running a stage: {@link ai.noether.core.run.StageAssembly} builds every component of a bound
 * configuration through the registry (fresh, or resumed from a checkpoint) into a ready {@link
 * ai.noether.core.training.Trainer}. The command line's {@code TrainingLauncher} calls it; this
 * package knows nothing of commands, options or exit codes.
 *
 * <p>Its helpers, in the order a build uses them: {@code StageStart} decides between a resume and a
 * fresh start (never on top of another training's checkpoints); {@code ResumeCompatibility}
 * compares the configuration with the checkpoint's; {@code StartingState} gives the data's scaler
 * and the model's weights their starting values; {@code StageTrainer} and {@code StageCallbacks}
 * set up the trainer with its callbacks and loggers; {@code ResumeLineage} records where a resumed
 * stage came from.
 */
package ai.noether.core.run;

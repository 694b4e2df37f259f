/**
 * Operating-system signals that stop training gracefully: SIGTERM (schedulers, {@code kill}),
 * SIGINT (Ctrl+C) and SIGUSR1 (a scheduler's "you will be preempted" warning) ask the trainer to
 * stop at the next update boundary and write an emergency checkpoint.
 */
package ai.noether.core.signal;

/**
 * The {@code time-budget} callback: ends training with a resumable checkpoint before a wall-clock
 * limit runs out, so that a job with a hard time limit from its scheduler stops cleanly and resumes
 * later.
 *
 * <p>It is also the worked example of a plugin: the package compiles against {@code noether-api}
 * alone, logs through the JDK's {@link java.lang.System.Logger}, and registers its factory with one
 * line in {@code META-INF/services/ai.noether.api.spi.CallbackFactory}. {@code docs/plugins.md}
 * walks through it.
 */
package ai.noether.examples.plugin.timebudget;

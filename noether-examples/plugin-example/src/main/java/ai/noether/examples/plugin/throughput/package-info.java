/**
 * The {@code throughput} callback: training speed as metrics, logged at an interval. The smallest
 * useful callback plugin: a config record with the four {@code every_n_*} keys read through {@link
 * ai.noether.api.callback.Interval#fromKeys}, one hook, and {@link
 * ai.noether.api.callback.TrainingContext#logMetric}.
 */
package ai.noether.examples.plugin.throughput;

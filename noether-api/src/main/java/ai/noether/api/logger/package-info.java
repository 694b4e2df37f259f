/**
 * Experiment loggers: components that receive every logged metric with its iteration and write them
 * where users look (CSV files, HTML reports). A logger is a plugin kind like a callback: a {@link
 * ai.noether.api.spi.MetricLoggerFactory} listed in {@code
 * META-INF/services/ai.noether.api.spi.MetricLoggerFactory}, configured as an entry of {@code
 * trainer.loggers}.
 */
package ai.noether.api.logger;

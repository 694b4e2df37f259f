package ai.noether.callbacks.report;

import ai.noether.api.logger.MetricLogger;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.MetricLoggerFactory;

/** {@code kind: html-report}: see {@link HtmlReportLogger}. */
public final class HtmlReportLoggerFactory implements MetricLoggerFactory<HtmlReportLoggerConfig> {
  /** The permanent kind name. */
  public static final String KIND = "html-report";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<HtmlReportLoggerConfig> configType() {
    return HtmlReportLoggerConfig.class;
  }

  @Override
  public String description() {
    return "writes <stage_dir>/report.html at the end of training: metric charts, learning rate, checkpoints, resumes";
  }

  @Override
  public MetricLogger create(HtmlReportLoggerConfig config, ComponentContext context) {
    return new HtmlReportLogger(config.fileName());
  }
}

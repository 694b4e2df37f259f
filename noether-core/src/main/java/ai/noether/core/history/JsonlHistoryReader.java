package ai.noether.core.history;

import ai.noether.api.logger.HistoryReader;
import ai.noether.api.logger.LoggedMetrics;
import ai.noether.api.logger.ResumePoint;
import ai.noether.api.logger.StageHistory;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The api's {@link HistoryReader}: {@link HistoryFile#read}, the one reader of {@code
 * history.jsonl}. Bound in the process injector by {@code CoreModule}. Stateless.
 */
public final class JsonlHistoryReader implements HistoryReader {

  @Override
  public StageHistory read(Path file) throws IOException {
    HistoryFile history = HistoryFile.read(file);
    return new StageHistory(
        history.events().stream().map(e -> new LoggedMetrics(e.iteration(), e.metrics())).toList(),
        history.resumes().stream().map(r -> new ResumePoint(r.iteration(), r.source())).toList());
  }
}

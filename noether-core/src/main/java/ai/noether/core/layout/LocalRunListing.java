package ai.noether.core.layout;

import ai.noether.api.checkpoint.RunListing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The api's {@link RunListing}: {@link RunDirectories}' answers, so that plugins and commands list
 * runs exactly as core does. Bound in the process injector by {@code CoreModule}. Stateless.
 */
public final class LocalRunListing implements RunListing {

  @Override
  public List<String> runIds(Path outputDir) throws IOException {
    return RunDirectories.runIds(outputDir);
  }

  @Override
  public List<String> stages(Path runDir) throws IOException {
    return RunDirectories.stages(runDir);
  }

  @Override
  public List<String> stagesWith(Path runDir, String fileName) throws IOException {
    return RunDirectories.stagesWith(runDir, fileName);
  }

  @Override
  public List<String> subdirectories(Path dir) throws IOException {
    return RunDirectories.subdirectories(dir);
  }
}

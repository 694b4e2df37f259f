package ai.noether.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoetherProcessTest {
  @TempDir Path dir;

  @Test
  void theCommandLineRunsInAChildJvmWithItsEnvironmentAndItsOutputInTheLog() throws Exception {
    try (NoetherProcess p =
        NoetherProcess.builder("kinds", "--no-such-option")
            .workingDir(dir.resolve("work"))
            .env(Map.of("NOETHER_TESTKIT", "1"))
            .start()) {
      assertThat(p.awaitExit()).as("invalid usage").isEqualTo(2);
      assertThat(p.log())
          .startsWith("$ noether kinds --no-such-option\n")
          .contains("--no-such-option");
    }
    assertThat(dir.resolve("work/noether.log")).exists();
  }

  @Test
  void lastUpdateReadsTheHighestUpdateOfAHistoryAndMinusOneWithoutOne() throws Exception {
    Path history = dir.resolve("history.jsonl");
    assertThat(NoetherProcess.lastUpdate(history)).isEqualTo(-1);
    Files.writeString(
        history,
        "{\"epoch\":0,\"update\":4,\"sample\":32}\n{\"epoch\":1,\"update\":8,\"sample\":64}\n");
    assertThat(NoetherProcess.lastUpdate(history)).isEqualTo(8);
  }
}

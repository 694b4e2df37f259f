package ai.noether.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.TrainingIteration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFileTest {
  @TempDir Path dir;

  @Test
  void readsValuesResumeMarkersAndNonFiniteNumbers() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("history.jsonl"),
            String.join(
                "\n",
                "{\"epoch\":0,\"update\":10,\"sample\":320,\"metrics\":{\"loss/train/total\":0.5,\"lr\":0.001}}",
                "{\"event\":\"resume\",\"epoch\":0,\"update\":10,\"sample\":320,\"source\":\"run1/train@E0_U10_S320\"}",
                "{\"epoch\":1,\"update\":20,\"sample\":640,\"metrics\":{\"loss/train/total\":\"NaN\",\"grad\":\"-Infinity\"}}",
                ""));

    HistoryFile history = HistoryFile.read(file);

    assertThat(history.keys()).containsExactly("loss/train/total", "lr", "grad");
    assertThat(history.series("loss/train/total"))
        .containsExactly(
            new HistoryFile.Point(new TrainingIteration(0, 10, 320), 0.5),
            new HistoryFile.Point(new TrainingIteration(1, 20, 640), Double.NaN));
    assertThat(history.series("grad").get(0).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(history.resumes())
        .containsExactly(
            new MetricHistory.Resume(new TrainingIteration(0, 10, 320), "run1/train@E0_U10_S320"));
  }

  @Test
  void aLastLineCutOffByACrashIsSkipped() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("history.jsonl"),
            "{\"epoch\":0,\"update\":10,\"sample\":320,\"metrics\":{\"lr\":0.001}}\n{\"epoch\":0,\"upd");

    assertThat(HistoryFile.read(file).events()).hasSize(1);
  }

  @Test
  void aMalformedLineInTheMiddleNamesFileAndLine() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("history.jsonl"),
            "{\"epoch\":0,\"update\":10,\"sample\":320,\"metrics\":{\"lr\":0.001}}\n"
                + "{\"epoch\":0,\"update\":20,\"sample\":640,\"metrics\":{\"lr\":\"fast\"}}\n"
                + "{\"epoch\":0,\"update\":30,\"sample\":960,\"metrics\":{\"lr\":0.001}}\n");

    assertThatThrownBy(() -> HistoryFile.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("history.jsonl line 2")
        .hasMessageContaining("\"lr\" is not a number");
  }
}

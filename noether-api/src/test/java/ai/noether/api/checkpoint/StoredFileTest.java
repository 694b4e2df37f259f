package ai.noether.api.checkpoint;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import org.junit.jupiter.api.Test;

class StoredFileTest {
  private final StoredFile file =
      new StoredFile(CheckpointFileName.parse("mlp_cp=latest_model.th"), 100, 7);

  @Test
  void aRangeInsideTheFileIsAccepted() {
    assertThatCode(() -> file.requireRange(0, 100, "/x")).doesNotThrowAnyException();
    assertThatCode(() -> file.requireRange(100, 0, "/x")).doesNotThrowAnyException();
  }

  @Test
  void aRangePastTheEndOrBeforeTheStartNamesTheRangeTheFileAndItsSize() {
    assertThatThrownBy(() -> file.requireRange(90, 11, "/out/mlp_cp=latest_model.th"))
        .isInstanceOf(EOFException.class)
        .hasMessage("range 90+11 lies outside /out/mlp_cp=latest_model.th (100 bytes)");
    assertThatThrownBy(() -> file.requireRange(-1, 1, "/x"))
        .isInstanceOf(EOFException.class)
        .hasMessage("range -1+1 lies outside /x (100 bytes)");
    assertThatThrownBy(() -> file.requireRange(0, -1, "/x")).isInstanceOf(EOFException.class);
  }
}

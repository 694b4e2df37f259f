package ai.noether.api.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StoreLocationTest {
  private static final Path WD = Path.of("/work/dir");

  @Test
  void plainPathsAndFileUrisAreLocalDirectories() {
    assertThat(StoreLocation.parse("runs", WD).localPath()).contains(Path.of("/work/dir/runs"));
    assertThat(StoreLocation.parse("./runs/../out", WD).localPath())
        .contains(Path.of("/work/dir/out"));
    assertThat(StoreLocation.parse("/data/runs", WD).localPath()).contains(Path.of("/data/runs"));
    assertThat(StoreLocation.parse("file:/data/runs", WD).localPath())
        .contains(Path.of("/data/runs"));
    assertThat(StoreLocation.parse("file:///data/runs", WD).localPath())
        .contains(Path.of("/data/runs"));
    assertThat(StoreLocation.parse("FILE:/data/runs", WD).scheme()).isEqualTo("file");
    assertThat(StoreLocation.parse("/data/runs", WD)).hasToString("/data/runs");
  }

  @Test
  void otherSchemesNameAStoreAndGetALocalWorkDirectory() {
    StoreLocation s3 = StoreLocation.parse("s3://bucket/team/runs", WD);
    assertThat(s3.scheme()).isEqualTo("s3");
    assertThat(s3.isLocal()).isFalse();
    assertThat(s3.localPath()).isEmpty();
    assertThat(s3).hasToString("s3://bucket/team/runs");
    assertThat(s3.workDir(WD)).isEqualTo(Path.of("/work/dir/.noether-work/s3/bucket/team/runs"));
    assertThat(StoreLocation.parse("S3://bucket/x", WD).scheme()).isEqualTo("s3");
  }

  @Test
  void aSingleLetterBeforeAColonIsAPathNotAScheme() {
    assertThat(StoreLocation.parse("c:runs", WD).isLocal()).isTrue();
  }

  @Test
  void badLocationsSayWhatIsValid() {
    assertThatThrownBy(() -> StoreLocation.parse("s3:bucket", WD))
        .isInstanceOf(InvalidNameException.class)
        .hasMessageContaining("names no bucket")
        .hasMessageContaining("s3://bucket/prefix");
    assertThatThrownBy(() -> StoreLocation.parse("s3://bucket/a b", WD))
        .isInstanceOf(InvalidNameException.class)
        .hasMessageContaining("not a valid store URI");
    assertThatThrownBy(() -> StoreLocation.parse("file://host/data", WD))
        .isInstanceOf(InvalidNameException.class)
        .hasMessageContaining("not a local directory");
    assertThatThrownBy(() -> StoreLocation.parse(" ", WD))
        .isInstanceOf(InvalidNameException.class)
        .hasMessageContaining("output_dir is empty");
  }
}

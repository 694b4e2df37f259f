package ai.noether.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import org.junit.jupiter.api.Test;

class S3LocationTest {
  @Test
  void parsesBucketAndPrefixAndNormalisesTheSlashes() {
    assertThat(S3Location.parse("s3://my-checkpoints/runs/exp1"))
        .isEqualTo(new S3Location("my-checkpoints", "runs/exp1/"));
    assertThat(S3Location.parse("s3://my-checkpoints/runs/exp1/").prefix()).isEqualTo("runs/exp1/");
    assertThat(S3Location.parse("S3://bucket.with.dots").prefix()).isEmpty();
    assertThat(S3Location.parse("s3://b-1/").key("latest")).isEqualTo("latest");
    assertThat(S3Location.parse("s3://b-1/a/b").key("latest")).isEqualTo("a/b/latest");
    assertThat(S3Location.parse(S3Location.parse("s3://b-1/a/b").toString()))
        .isEqualTo(S3Location.parse("s3://b-1/a/b"));
  }

  @Test
  void badLocationsAreRefusedWithTheValueAndAValidExample() {
    assertThatThrownBy(() -> S3Location.parse("/data/runs"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'/data/runs' is not an S3 location")
        .hasMessageContaining("s3://bucket/prefix");
    assertThatThrownBy(() -> S3Location.parse("s3:///runs"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("names no bucket");
    assertThatThrownBy(() -> S3Location.parse("s3://My_Bucket/runs"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("in 's3://My_Bucket/runs': invalid S3 bucket name 'My_Bucket'");
    assertThatThrownBy(() -> S3Location.parse("s3://key:secret@bucket/runs"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("credentials or a port")
        .hasMessageContaining("endpoint");
    assertThatThrownBy(() -> S3Location.parse("s3://bucket/a//b"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("empty path segment")
        .hasMessageContaining("s3://bucket/a/b");
    assertThatThrownBy(() -> S3Location.parse("s3://bucket/a/../b"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'..' segment");
    assertThatThrownBy(() -> S3Location.parse(""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("s3://my-checkpoints/runs");
  }
}

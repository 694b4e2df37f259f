package ai.noether.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.store.s3.S3StoreConfig.ConditionalWrites;
import org.junit.jupiter.api.Test;

class S3StoreConfigTest {
  @Test
  void defaultsAreAwsWithSixteenMibPartsFourInFlightAndEightRetries() {
    S3StoreConfig config = S3StoreConfig.defaults();
    assertThat(config.endpoint()).isNull();
    assertThat(config.pathStyle()).isFalse();
    assertThat(config.partSizeBytes()).isEqualTo(16L << 20);
    assertThat(config.uploadParallelism()).isEqualTo(4);
    assertThat(config.maxRetries()).isEqualTo(8);
    assertThat(config.conditionalWrites()).isEqualTo(ConditionalWrites.AUTO);
    assertThat(S3StoreConfig.forEndpoint("http://127.0.0.1:9000/").endpoint())
        .isEqualTo("http://127.0.0.1:9000");
  }

  @Test
  void invalidValuesNameTheKeyAndTheValidRange() {
    assertThatThrownBy(
            () -> new S3StoreConfig("127.0.0.1:9000", null, true, null, null, null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "endpoint: '127.0.0.1:9000' is not a URL; write e.g. http://127.0.0.1:9000");
    assertThatThrownBy(() -> new S3StoreConfig("ftp://host", null, true, null, null, null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("endpoint: 'ftp://host' must be an http:// or https:// URL");
    assertThatThrownBy(() -> S3StoreConfig.forEndpoint("http://minio:9000/my-bucket"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("has a path")
        .hasMessageContaining("s3://bucket/prefix");
    assertThatThrownBy(() -> S3StoreConfig.defaults().withParts(4, 4))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("part_size_mib: 4 is out of range; use 5 to 1024");
    assertThatThrownBy(() -> S3StoreConfig.defaults().withParts(16, 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("upload_parallelism: 0 is out of range; use 1 to 64");
    assertThatThrownBy(() -> S3StoreConfig.defaults().withMaxRetries(-1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("max_retries: -1 is out of range");
    assertThatThrownBy(() -> ConditionalWrites.parse("sometimes"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("use auto, native or emulated");
  }
}

package ai.noether.java.data;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The configuration of the {@code in-memory} dataset kind, which {@link
 * ai.noether.java.NoetherConfig#dataset} writes for you.
 *
 * <pre>{@code
 * dataset:
 *   kind: in-memory
 *   name: my-data      # the name the data source was registered under in this JVM
 * }</pre>
 *
 * @param name the name given to {@code NoetherConfig.dataset(name, source)}; required
 */
public record InMemoryDatasetConfig(
    @JsonPropertyDescription(
            "the name the data source was registered under with NoetherConfig.dataset(name, source)")
        String name) {
  public InMemoryDatasetConfig {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          "name is required: the name given to NoetherConfig.dataset(name, source)");
    }
  }
}

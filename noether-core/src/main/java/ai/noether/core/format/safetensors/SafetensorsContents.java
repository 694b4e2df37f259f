package ai.noether.core.format.safetensors;

import ai.noether.api.tensor.HostTensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a safetensors file holds.
 *
 * @param tensors tensors by name, in the order their bytes appear in the file; never null
 * @param metadata the {@code __metadata__} strings in header order; empty when absent, never null
 */
public record SafetensorsContents(Map<String, HostTensor> tensors, Map<String, String> metadata) {
  public SafetensorsContents {
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }
}

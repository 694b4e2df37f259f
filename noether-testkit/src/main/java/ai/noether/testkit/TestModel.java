package ai.noether.testkit;

import ai.noether.api.model.LoadReport;
import ai.noether.api.model.Model;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A model made of {@link TestTensor}s, parameters in insertion order. */
public final class TestModel implements Model {
  private final String name;
  private final Map<String, TestTensor> tensors = new LinkedHashMap<>();

  public TestModel(String name) {
    this.name = name;
  }

  /** Adds a parameter (float32) or buffer (int64). */
  public TestModel with(String path, TestTensor tensor) {
    tensors.put(path, tensor);
    return this;
  }

  public TestTensor tensor(String path) {
    return Objects.requireNonNull(tensors.get(path), () -> "no tensor " + path);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<String, Tensor> parameters() {
    return Collections.unmodifiableMap(new LinkedHashMap<String, Tensor>(tensors));
  }

  @Override
  public Map<String, Tensor> trainableParameters() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    tensors.forEach(
        (k, v) -> {
          if (v.dtype().isFloatingPoint()) {
            out.put(k, v);
          }
        });
    return out;
  }

  @Override
  public Map<String, HostTensor> stateDict() {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    tensors.forEach((k, v) -> out.put(k, v.toHost()));
    return out;
  }

  @Override
  public LoadReport load(Map<String, HostTensor> stateDict, boolean strict) {
    List<String> loaded = new ArrayList<>();
    stateDict.forEach(
        (k, v) -> {
          TestTensor t = tensors.get(k);
          if (t != null) {
            t.copyFrom(v);
            loaded.add(k);
          }
        });
    return new LoadReport(loaded, List.of(), List.of(), List.of());
  }

  @Override
  public Map<String, Object> config() {
    return Map.of("kind", "test");
  }

  @Override
  public void close() {}
}

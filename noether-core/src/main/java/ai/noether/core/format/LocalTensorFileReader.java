package ai.noether.core.format;

import ai.noether.api.checkpoint.TensorFileReader;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.safetensors.SafetensorsReader;
import ai.noether.core.format.th.ThReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The {@link TensorFileReader} of every run: {@link ThReader} and {@link SafetensorsReader}. */
public final class LocalTensorFileReader implements TensorFileReader {

  @Override
  public Object readTorch(Path file) throws IOException {
    return ThReader.readObject(file);
  }

  @Override
  public Map<String, HostTensor> readSafetensors(Path file) throws IOException {
    return SafetensorsReader.read(file).tensors();
  }
}

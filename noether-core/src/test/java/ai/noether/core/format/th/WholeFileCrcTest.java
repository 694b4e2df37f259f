package ai.noether.core.format.th;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.PythonTorch;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRC32C that {@link ThReader#read(FileChannel, String, ThReadLimits,
 * java.util.function.LongConsumer)} computes in the records' pass is the checksum of every byte of
 * the file, whoever wrote it, and is handed over before anything is decoded.
 */
class WholeFileCrcTest {
  @TempDir Path dir;

  @Test
  void theChecksumOfAFileOfOursIsThatOfEveryByte() throws IOException {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("a", HostTensor.ofFloats(new long[] {300_000}, new float[300_000]));
    tree.put("b", List.of(1L, "two", HostTensor.ofLongs(new long[] {3}, 1, 2, 3)));
    tree.put("c", HostTensor.ofDoubles(new long[] {1}, 0.5));
    Path file = dir.resolve("ours.th");
    ThFormat.write(file, tree);

    assertThat(crcFromTheRead(file)).isEqualTo(crcOfEveryByte(file));
  }

  @Test
  void theChecksumOfAFileTorchSaveWroteIsThatOfEveryByte() throws IOException {
    PythonTorch.assumeAvailable();
    Path file = dir.resolve("torch.pt");
    PythonTorch.run(
        List.of(
            "-c",
            "import torch; torch.save({'w': torch.arange(100000.0), 'n': 3,"
                + " 'l': [torch.ones(2, 3), 'x']}, '"
                + file
                + "')"));

    assertThat(crcFromTheRead(file)).isEqualTo(crcOfEveryByte(file));
  }

  @Test
  void aRefusedChecksumStopsTheReadBeforeAnythingIsDecoded() throws IOException {
    Path file = dir.resolve("ours.th");
    ThFormat.write(file, Map.of("a", HostTensor.ofFloats(new long[] {2}, 1, 2)));

    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      assertThatThrownBy(
              () ->
                  ThReader.read(
                      ch,
                      file.toString(),
                      ThReadLimits.defaults(),
                      crc -> {
                        throw new CorruptCheckpointException("refused " + Long.toHexString(crc));
                      }))
          .isInstanceOf(CorruptCheckpointException.class)
          .hasMessage("refused " + Long.toHexString(crcOfEveryByte(file)));
    }
  }

  private static long crcFromTheRead(Path file) throws IOException {
    long[] seen = {-1};
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ThReader.read(ch, file.toString(), ThReadLimits.defaults(), crc -> seen[0] = crc);
    }
    return seen[0];
  }

  private static long crcOfEveryByte(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    crc.update(Files.readAllBytes(file));
    return crc.getValue();
  }
}

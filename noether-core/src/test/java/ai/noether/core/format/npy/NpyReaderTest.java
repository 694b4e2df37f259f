package ai.noether.core.format.npy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.data.DataCache;
import ai.noether.core.data.DataFileException;
import ai.noether.core.format.PythonTorch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyReaderTest {
  @TempDir Path dir;

  @Test
  void arraysWrittenByNumpyAreReadWithTheirDtypeShapeAndValues() throws IOException {
    Assumptions.assumeTrue(PythonTorch.hasModule("numpy"), "/usr/bin/python3 has no numpy");
    Path script = dir.resolve("write.py");
    Files.writeString(
        script,
        """
        import numpy as np, sys
        d = sys.argv[1]
        np.save(d + '/f4.npy', np.arange(12, dtype=np.float32).reshape(3, 4) / 4)
        np.save(d + '/i8.npy', np.array([-5, 7, 2**40], dtype=np.int64))
        np.save(d + '/f8_fortran_1d.npy', np.asfortranarray(np.array([0.5, 1.5])))
        np.save(d + '/u1.npy', np.array([[1, 255]], dtype=np.uint8))
        np.save(d + '/big.npy', np.arange(3, dtype='>f4'))
        np.save(d + '/fortran.npy', np.asfortranarray(np.ones((2, 3))))
        np.save(d + '/strings.npy', np.array(['a', 'bc']))
        np.savez(d + '/stored.npz', x=np.arange(6, dtype=np.float64).reshape(2, 3), y=np.array([1, 0], dtype=np.int64))
        np.savez_compressed(d + '/compressed.npz', x=np.full((1000, 3), 2.5, dtype=np.float32))
        """);
    PythonTorch.runScript(script, dir.toString());

    HostTensor f4 = NpyReader.read(dir.resolve("f4.npy"), "f4.npy");
    assertThat(f4.dtype()).isEqualTo(DType.FLOAT32);
    assertThat(f4.shape()).containsExactly(3, 4);
    assertThat(f4.toFloatArray())
        .containsExactly(0f, .25f, .5f, .75f, 1f, 1.25f, 1.5f, 1.75f, 2f, 2.25f, 2.5f, 2.75f);
    assertThat(NpyReader.read(dir.resolve("i8.npy"), "i8").toLongArray())
        .containsExactly(-5, 7, 1L << 40);
    assertThat(NpyReader.read(dir.resolve("f8_fortran_1d.npy"), "f8").toDoubleArray())
        .containsExactly(0.5, 1.5);
    HostTensor u1 = NpyReader.read(dir.resolve("u1.npy"), "u1");
    assertThat(u1.dtype()).isEqualTo(DType.UINT8);
    assertThat(u1.buffer().get(1) & 0xff).isEqualTo(255);

    assertThatThrownBy(() -> NpyReader.read(dir.resolve("big.npy"), "big.npy"))
        .isInstanceOf(DataFileException.class)
        .hasMessageContaining("big.npy: holds big-endian values (descr '>f4')");
    assertThatThrownBy(() -> NpyReader.read(dir.resolve("fortran.npy"), "fortran.npy"))
        .hasMessageContaining("fortran.npy: is stored in Fortran order");
    assertThatThrownBy(() -> NpyReader.read(dir.resolve("strings.npy"), "strings.npy"))
        .hasMessageContaining(
            "strings.npy: holds values of NumPy type '<U2', which is not supported; supported: <f2, <f4");

    DataCache cache = new DataCache(dir.resolve("cache"));
    HostTensor x = NpzReader.read(dir.resolve("stored.npz"), "stored.npz", "x", cache);
    assertThat(x.shape()).containsExactly(2, 3);
    assertThat(x.toDoubleArray()).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(NpzReader.read(dir.resolve("stored.npz"), "stored.npz", "y", cache).toLongArray())
        .containsExactly(1, 0);
    HostTensor compressed =
        NpzReader.read(dir.resolve("compressed.npz"), "compressed.npz", "x", cache);
    assertThat(compressed.shape()).containsExactly(1000, 3);
    assertThat(compressed.toFloatArray()).containsOnly(2.5f);
    assertThat(NpzReader.names(dir.resolve("stored.npz"), "stored.npz")).containsExactly("x", "y");
    assertThatThrownBy(() -> NpzReader.read(dir.resolve("stored.npz"), "stored.npz", "z", cache))
        .isInstanceOf(DataFileException.class)
        .hasMessage("stored.npz has no array 'z'; its arrays are x, y");
  }

  @Test
  void whatTheWriterWritesNumpyReadsBack() throws IOException {
    HostTensor t = HostTensor.ofDoubles(new long[] {2, 2}, 1.5, -2, 3, 4e10);
    Path file = dir.resolve("w.npy");
    NpyWriter.write(file, t);
    assertThat((Files.size(file) - 32) % 64)
        .as("the data start at a multiple of 64 bytes")
        .isZero();
    assertThat(NpyReader.read(file, "w.npy").contentEquals(t)).isTrue();
    Assumptions.assumeTrue(PythonTorch.hasModule("numpy"), "/usr/bin/python3 has no numpy");
    Path script = dir.resolve("check.py");
    Files.writeString(
        script,
        "import numpy as np, sys\na = np.load(sys.argv[1])\nprint(a.dtype, a.shape, a.tolist())\n");
    assertThat(PythonTorch.runScript(script, file.toString()).strip())
        .isEqualTo("float64 (2, 2) [[1.5, -2.0], [3.0, 40000000000.0]]");
  }

  @Test
  void aTruncatedOrForeignFileIsNamedWithWhatIsWrong() throws IOException {
    Path file = dir.resolve("t.npy");
    NpyWriter.write(file, HostTensor.ofFloats(new long[] {100}, new float[100]));
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));
    assertThatThrownBy(() -> NpyReader.read(file, "data/t.npy"))
        .isInstanceOf(DataFileException.class)
        .hasMessageContaining(
            "data/t.npy: holds 390 bytes of data but its header announces float32 [100], 400 bytes"
                + " (the file is truncated)");
    Path text = dir.resolve("x.npy");
    Files.writeString(text, "1,2,3\n4,5,6\n", StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> NpyReader.read(text, "x.npy"))
        .hasMessageContaining("x.npy: does not start with the .npy" + " magic bytes");
    assertThatThrownBy(() -> NpyReader.read(dir.resolve("missing.npy"), "data/missing.npy"))
        .hasMessage("data/missing.npy: no such file");
    assertThatThrownBy(() -> NpzReader.read(text, "x.npz", "a", new DataCache(dir)))
        .hasMessageContaining("x.npz: is not a .npz archive");
  }
}

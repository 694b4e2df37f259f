package ai.noether.core.format.th;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.PythonTorch;
import ai.noether.core.format.safetensors.SafetensorsReader;
import ai.noether.core.format.safetensors.SafetensorsWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile files, each read in a child JVM with a 64 MiB heap and 64 MiB of direct memory: every one
 * must end within a second of CPU time (wall time varies with the load of a shared machine) in a
 * clear {@link CorruptCheckpointException} naming the file and what is wrong (or, where the file is
 * valid but large, load without reading the bulk into the heap). A read that hangs is killed after
 * {@link #HANG_SECONDS}; one that runs out of memory reports the {@link OutOfMemoryError}: both
 * fail the case.
 *
 * <p>The files are built by hand here (and, where torch is installed, also by real PyTorch); {@link
 * ChildReader} reads them one after another in one JVM, restarted after a hang.
 */
class HostileInputTest {
  /** The child's heap and direct-memory budget. */
  static final String MEMORY = "64m";

  /** A read still running after this long is a hang (the limit for passing is one second). */
  static final int HANG_SECONDS = 8;

  static final long TIME_LIMIT_MS = 1000;

  @TempDir static Path dir;
  private static final Map<String, Outcome> outcomes = new LinkedHashMap<>();
  private static final Map<String, Hostile> cases = new LinkedHashMap<>();

  /**
   * A hostile file, the reader to use and the fragments its error must contain (none: it must
   * load).
   */
  record Hostile(String name, String reader, Path file, List<String> expected, boolean guard) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * What the child reported for one file: CPU time of the reading thread (the machine may be busy).
   */
  record Outcome(long millis, String type, boolean corrupt, String message) {}

  @BeforeAll
  static void buildAndReadEveryFileInAChildJvm() throws Exception {
    // Shared references: 2^40 paths through 41 lists; 10^12 through 4 dicts; a cycle behind them.
    add(
        "reference-diamond",
        "th",
        f ->
            HostileFiles.pickle(
                f,
                HostileFiles.listDiamond(
                        new HostileFiles.P().proto(2).op(Opcodes.EMPTY_DICT).string("a"), 40)
                    .op(Opcodes.SETITEM)
                    .stop()),
        "'a[0][0]",
        "shared references");
    add(
        "wide-reference-bomb",
        "th",
        f -> HostileFiles.pickle(f, HostileFiles.wideBomb(4, 1000)),
        "shared references");
    add(
        "cycle-behind-a-diamond",
        "th",
        f ->
            HostileFiles.pickle(
                f,
                HostileFiles.listDiamond(
                        new HostileFiles.P().proto(2).op(Opcodes.EMPTY_LIST).op(Opcodes.MARK), 40)
                    .op(Opcodes.EMPTY_LIST)
                    .put(1000)
                    .get(1000)
                    .op(Opcodes.APPEND)
                    .op(Opcodes.APPENDS)
                    .stop()),
        "contains itself");
    add(
        "tuple-diamond-as-a-key",
        "th",
        f ->
            HostileFiles.pickle(
                f,
                HostileFiles.tupleDiamond(new HostileFiles.P().proto(2).op(Opcodes.EMPTY_DICT), 40)
                    .op(Opcodes.NONE)
                    .op(Opcodes.SETITEM)
                    .stop()),
        "dict key",
        "at most 64 values");
    // Tensors: 8 GiB from a stride of 0; many copies that together pass the budget; overflows.
    add(
        "stride-0-8GiB",
        "th",
        f -> HostileFiles.oneTensor(f, 4, 4, 0, new long[] {1L << 31}, new long[] {0}),
        "tensor 'w'",
        "8589934592 bytes");
    add(
        "forty-4MiB-expanded-copies",
        "th",
        f -> HostileFiles.manyExpandedTensors(f, 40, 1 << 20),
        "tensor 'w16'",
        "limit");
    add(
        "size-overflows",
        "th",
        f -> HostileFiles.oneTensor(f, 4, 4, 0, new long[] {1L << 62, 4}, new long[] {4, 1}),
        "tensor 'w'",
        "corrupt size");
    add(
        "stride-overflows",
        "th",
        f -> HostileFiles.oneTensor(f, 4, 4, 0, new long[] {3}, new long[] {1L << 62}),
        "tensor 'w'",
        "corrupt size");
    add(
        "storage-size-overflows",
        "th",
        f -> HostileFiles.oneTensor(f, 1L << 62, 4, 0, new long[] {4}, new long[] {1}),
        "storage 0",
        "corrupt size");
    // Declared lengths far past the end of the pickle.
    add(
        "string-length-past-the-end",
        "th",
        f ->
            HostileFiles.pickle(
                f,
                new HostileFiles.P()
                    .proto(2)
                    .op(Opcodes.BINUNICODE)
                    .le(0xFFFFFFFFL, 4)
                    .op('a')
                    .stop()),
        "declares 4294967295 bytes");
    add(
        "string8-length-past-the-end",
        "th",
        f ->
            HostileFiles.pickle(
                f,
                new HostileFiles.P()
                    .proto(4)
                    .op(Opcodes.BINUNICODE8)
                    .le(1L << 62, 8)
                    .op('a')
                    .stop()),
        "declares 4611686018427387904 bytes");
    add(
        "long4-length-past-the-end",
        "th",
        f ->
            HostileFiles.pickle(
                f, new HostileFiles.P().proto(2).op(Opcodes.LONG4).le(0x7FFFFFFFL, 4).op(1).stop()),
        "declares 2147483647 bytes");
    add(
        "frame-past-the-end",
        "th",
        f ->
            HostileFiles.pickle(
                f,
                new HostileFiles.P()
                    .proto(4)
                    .op(Opcodes.FRAME)
                    .le(1L << 40, 8)
                    .op(Opcodes.NONE)
                    .stop()),
        "declares 1099511627776 bytes");
    // Deep nesting: 20 million MARKs open at once (20 MB of pickle).
    add(
        "twenty-million-marks",
        "th",
        f -> {
          byte[] pickle = new byte[20_000_004];
          pickle[0] = (byte) Opcodes.PROTO;
          pickle[1] = 2;
          java.util.Arrays.fill(pickle, 2, pickle.length - 2, (byte) Opcodes.MARK);
          pickle[pickle.length - 2] = (byte) Opcodes.NONE;
          pickle[pickle.length - 1] = (byte) Opcodes.STOP;
          HostileFiles.pickle(f, pickle);
        },
        "MARK");
    // Dict keys that collide: 20,000 tuple keys with one hash (they are ordered, so that is fine);
    // ints and strings with one hash (they cannot be ordered); two equal 1 MiB strings met 200,000
    // times.
    addValid(
        "20000-tuple-keys-with-one-hash",
        f -> {
          HostileFiles.P p = new HostileFiles.P().proto(2).op(Opcodes.EMPTY_DICT).op(Opcodes.MARK);
          for (int a = 0; a < 20_000; a++) {
            p.integer(a)
                .integer(1_000_000 - 31L * a)
                .op(Opcodes.TUPLE2)
                .op(Opcodes.NONE); // hash 31*(31+a)+b
          }
          HostileFiles.pickle(f, p.op(Opcodes.SETITEMS).stop());
        });
    add(
        "20000-int-and-20000-string-keys-with-one-hash",
        "th",
        f -> {
          // Strings of "Aa"/"BB" blocks share String.hashCode; a long whose halves XOR to it
          // matches.
          HostileFiles.P p = new HostileFiles.P().proto(2).op(Opcodes.EMPTY_DICT).op(Opcodes.MARK);
          int hash = "Aa".repeat(15).hashCode();
          for (int i = 0; i < 20_000; i++) {
            StringBuilder key = new StringBuilder();
            for (int b = 0; b < 15; b++) {
              key.append(((i >> b) & 1) == 0 ? "Aa" : "BB");
            }
            long high = i + 1;
            p.string(key.toString())
                .op(Opcodes.NONE)
                .integer(high << 32 | ((high ^ hash) & 0xFFFFFFFFL))
                .op(Opcodes.NONE);
          }
          HostileFiles.pickle(f, p.op(Opcodes.SETITEMS).stop());
        },
        "more than 64 keys of different kinds with the same hash code");
    addValid(
        "two-equal-1MiB-string-keys-met-200000-times",
        f -> {
          String key = "k".repeat(1 << 20);
          HostileFiles.P p =
              new HostileFiles.P()
                  .proto(2)
                  .string(key)
                  .put(0)
                  .op(Opcodes.POP)
                  .string(key)
                  .put(1)
                  .op(Opcodes.POP)
                  .op(Opcodes.EMPTY_DICT);
          for (int i = 0; i < 100_000; i++) {
            p.get(0)
                .op(Opcodes.NONE)
                .op(Opcodes.SETITEM)
                .get(1)
                .op(Opcodes.NONE)
                .op(Opcodes.SETITEM);
          }
          HostileFiles.pickle(f, p.stop());
        });
    // The zip container.
    add("overlapping-records", "th", HostileFiles::overlappingRecords, "overlap");
    addValid(
        "80MiB-record-the-reader-does-not-need",
        f -> HostileFiles.withLargeExtraRecord(f, 80L << 20));
    add(
        "torchscript-by-hand",
        "th",
        HostileFiles::torchScriptArchive,
        "TorchScript archive (torch.jit.save)",
        "torch.save(model.state_dict())");
    if (PythonTorch.available()) {
      add(
          "torchscript-from-torch",
          "th",
          f -> python("m = torch.jit.script(torch.nn.Linear(2, 3)); torch.jit.save(m, path)", f),
          "TorchScript archive (torch.jit.save)",
          "torch.save(model.state_dict())");
      add(
          "expanded-8GiB-from-torch",
          "th",
          f -> python("torch.save({'w': torch.ones(1, 4).expand(2 ** 29, 4)}, path)", f),
          "tensor 'w'",
          "8589934592 bytes");
    }
    // Bounds that held before the hostile-file work; kept so that they keep holding.
    addGuard(
        "record-declared-larger-than-the-archive",
        "th",
        HostileInputTest::recordLargerThanArchive,
        "archive/data/0",
        "runs past the end");
    addGuard(
        "safetensors-header-length-2^62",
        "safetensors",
        f -> {
          ByteBuffer b =
              ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 62).putLong(0);
          Files.write(f, b.array());
        },
        "announces a header of 4611686018427387904 bytes");
    addGuard(
        "safetensors-overlapping-ranges",
        "safetensors",
        f ->
            HostileFiles.safetensors(
                f,
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                    + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                12),
        "overlap");
    addGuard(
        "safetensors-offsets-past-the-end",
        "safetensors",
        f ->
            HostileFiles.safetensors(
                f,
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[274877906944],\"data_offsets\":[0,1099511627776]}}",
                8),
        "truncated");
    addGuard(
        "safetensors-shape-overflows",
        "safetensors",
        f ->
            HostileFiles.safetensors(
                f,
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,0]}}",
                0),
        "too large to address");
    addGuard(
        "safetensors-json-nested-100000-deep",
        "safetensors",
        f ->
            HostileFiles.safetensors(
                f, "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", 0),
        "not valid JSON");

    readAllInChildJvms();
    outcomes.forEach(
        (name, o) ->
            System.out.println(name + ": " + o.millis + " ms, " + o.type + ": " + o.message));
  }

  static Stream<Hostile> hostile() {
    return cases.values().stream().filter(c -> !c.guard);
  }

  static Stream<Hostile> guards() {
    return cases.values().stream().filter(c -> c.guard);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void aHostileFileFailsWithinASecondAndA64MiBHeapNamingTheFileAndTheProblem(Hostile c) {
    check(c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("guards")
  void boundsThatAlreadyHeldStillHold(Hostile c) {
    check(c);
  }

  private static void check(Hostile c) {
    Outcome o = outcomes.get(c.name);
    assertThat(o)
        .as("%s: the child JVM reported nothing (see the messages above)", c.name)
        .isNotNull();
    if (o.type.equals("hang")) {
      throw new AssertionError(
          c.name + ": still reading after " + HANG_SECONDS + " s; the child JVM was killed");
    }
    if (c.expected.isEmpty()) {
      assertThat(o.type).as("%s: %s", c.name, o.message).isEqualTo("ok");
    } else {
      assertThat(o.corrupt).as("%s threw %s: %s", c.name, o.type, o.message).isTrue();
      assertThat(o.message).as(c.name).startsWith(c.file + ": ");
      for (String fragment : c.expected) {
        assertThat(o.message).as(c.name).contains(fragment);
      }
    }
    assertThat(o.millis)
        .as("%s: CPU milliseconds to the outcome (%s)", c.name, o.message)
        .isLessThan(TIME_LIMIT_MS);
  }

  // ---------------------------------------------------------------- building the files

  interface Builder {
    void build(Path file) throws Exception;
  }

  private static void add(String name, String reader, Builder b, String... expected)
      throws Exception {
    add(name, reader, b, false, expected);
  }

  private static void addGuard(String name, String reader, Builder b, String... expected)
      throws Exception {
    add(name, reader, b, true, expected);
  }

  private static void addValid(String name, Builder b) throws Exception {
    add(name, "th", b, false);
  }

  private static void add(String name, String reader, Builder b, boolean guard, String... expected)
      throws Exception {
    Path file = dir.resolve(name + (reader.equals("th") ? ".th" : ".safetensors"));
    b.build(file);
    cases.put(name, new Hostile(name, reader, file, List.of(expected), guard));
  }

  private static void python(String code, Path file) {
    PythonTorch.Result r =
        PythonTorch.run(
            List.of("-c", "import sys, torch; path = sys.argv[1]; " + code, file.toString()));
    if (r.exitCode() != 0) {
      throw new IllegalStateException("torch could not write " + file + ": " + r.stderr());
    }
  }

  /** A small valid file whose zip headers then declare archive/data/0 at 1 GiB. */
  private static void recordLargerThanArchive(Path file) throws IOException {
    HostileFiles.oneTensor(file, 4, 4, 0, new long[] {4}, new long[] {1});
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    byte[] name = "archive/data/0".getBytes(StandardCharsets.UTF_8);
    for (int p = 0; p + ZipLayout.CENTRAL_HEADER_SIZE + name.length < bytes.length; p++) {
      if (b.getInt(p) == ZipLayout.CENTRAL_HEADER_SIG
          && named(bytes, p + ZipLayout.CENTRAL_HEADER_SIZE, name)) {
        b.putInt(p + 20, 1 << 30).putInt(p + 24, 1 << 30);
      } else if (b.getInt(p) == ZipLayout.LOCAL_HEADER_SIG
          && named(bytes, p + ZipLayout.LOCAL_HEADER_SIZE, name)) {
        b.putInt(p + 18, 1 << 30).putInt(p + 22, 1 << 30);
      }
    }
    Files.write(file, bytes);
  }

  private static boolean named(byte[] bytes, int at, byte[] name) {
    return java.util.Arrays.equals(bytes, at, at + name.length, name, 0, name.length);
  }

  // ---------------------------------------------------------------- reading them in a child JVM

  /**
   * Reads every case in child JVMs: one JVM reads the cases in order and reports each; a case
   * without an answer after {@link #HANG_SECONDS} is recorded as a hang, the JVM is killed and a
   * new one continues with the next case.
   */
  private static void readAllInChildJvms() throws Exception {
    List<Hostile> pending = new ArrayList<>(cases.values());
    Path warmUp = dir.resolve("warm-up.th");
    Path warmUpSafetensors = dir.resolve("warm-up.safetensors");
    HostTensor w = HostTensor.ofFloats(new long[] {2}, 1f, 2f);
    ThFormat.write(warmUp, Map.of("w", w));
    SafetensorsWriter.write(warmUpSafetensors, Map.of("w", w), Map.of());
    while (!pending.isEmpty()) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx" + MEMORY,
                  "-XX:MaxDirectMemorySize=" + MEMORY,
                  "-XX:+UseSerialGC",
                  "-cp",
                  System.getProperty("java.class.path"),
                  ChildReader.class.getName(),
                  warmUp.toString(),
                  warmUpSafetensors.toString()));
      for (Hostile c : pending) {
        command.add(c.reader + ":" + c.file);
      }
      Process child =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      BlockingQueue<String> lines = lines(child);
      try {
        int done = 0;
        boolean ready = false;
        while (done < pending.size()) {
          String line = lines.poll(ready ? HANG_SECONDS : 60, TimeUnit.SECONDS);
          if (line == null || line.equals("EOF")) {
            Hostile stuck = pending.get(done);
            outcomes.put(
                stuck.name,
                new Outcome(
                    HANG_SECONDS * 1000L,
                    line == null ? "hang" : "died",
                    false,
                    line == null ? "no answer" : "the child JVM exited while reading it"));
            done++;
            break;
          }
          if (line.equals("READY")) {
            ready = true;
            continue;
          }
          String[] parts = line.split("\t", 5);
          if (parts.length == 5 && parts[0].equals("END")) {
            outcomes.put(
                pending.get(done).name,
                new Outcome(
                    Long.parseLong(parts[1]),
                    parts[2],
                    Boolean.parseBoolean(parts[3]),
                    parts[4].replace("\\n", "\n")));
            done++;
          }
        }
        pending = new ArrayList<>(pending.subList(done, pending.size()));
      } finally {
        child.destroyForcibly();
        child.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static BlockingQueue<String> lines(Process child) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread drain =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the child was killed
              }
              lines.add("EOF");
            });
    drain.setDaemon(true);
    drain.start();
    return lines;
  }

  /**
   * Reads each {@code reader:path} argument and prints one line per file: time, outcome, message.
   */
  static final class ChildReader {
    private static final java.lang.management.ThreadMXBean CPU =
        java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws IOException {
      // Load the readers' classes before anything is timed.
      ThReader.read(Path.of(args[0]));
      SafetensorsReader.read(Path.of(args[1]));
      System.out.println("READY");
      for (int i = 2; i < args.length; i++) {
        int colon = args[i].indexOf(':');
        String reader = args[i].substring(0, colon);
        Path file = Path.of(args[i].substring(colon + 1));
        long start = CPU.getCurrentThreadCpuTime();
        String type;
        boolean corrupt = false;
        String message;
        try {
          if (reader.equals("th")) {
            ThReader.readObject(file);
          } else {
            SafetensorsReader.read(file);
          }
          type = "ok";
          message = "";
        } catch (Throwable t) {
          type = t.getClass().getName();
          corrupt = t instanceof CorruptCheckpointException;
          message = String.valueOf(t.getMessage());
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(CPU.getCurrentThreadCpuTime() - start);
        System.out.println(
            "END\t"
                + millis
                + "\t"
                + type
                + "\t"
                + corrupt
                + "\t"
                + message.replace("\n", "\\n").replace("\r", ""));
        System.out.flush();
      }
    }
  }
}

package ai.noether.core.format.th;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Python users load our files with {@code torch.load(path, weights_only=True)}, which runs
 * PyTorch's own restricted unpickler: it accepts only the globals of its allowlist and only the
 * opcodes it implements. This checks, without torch, that every global and opcode our writer can
 * emit is in the allowlist of torch 2.0 and later, and that the docs say which torch that takes.
 *
 * <p>The reference below is {@code torch/_weights_only_unpickler.py} of github.com/pytorch/pytorch:
 * the entries of {@code _get_allowed_globals()} and the opcodes {@code Unpickler.load()} handles
 * that are present both in the torch 1.13 version of that file and in the current main branch (read
 * 2026-12), so in every torch 2.x release in between; plus {@code BINFLOAT}, which torch 2.0 added
 * (pytorch PR #94910, cherry-picked into release/2.0 as #95661, fixing issue #94670). torch 1.13
 * lacks {@code BINFLOAT}: its {@code weights_only} reader refuses any file holding a Python float.
 */
class WeightsOnlyAllowlistTest {
  /** {@code _get_allowed_globals()} of torch 2.x, the part every 2.x release has. */
  static final Set<String> TORCH2_ALLOWED_GLOBALS =
      Set.of(
          // the literal entries
          "collections.OrderedDict",
          "torch.nn.parameter.Parameter",
          "torch.serialization._get_layout",
          "torch.Size",
          "torch.Tensor",
          // dtypes, str(t)
          "torch.complex32",
          "torch.complex64",
          "torch.complex128",
          "torch.float16",
          "torch.float32",
          "torch.float64",
          "torch.int8",
          "torch.int16",
          "torch.int32",
          "torch.int64",
          // torch._storage_classes, f"{ts.__module__}.{ts.__name__}" (the legacy typed storages
          // live in torch)
          "torch.DoubleStorage",
          "torch.FloatStorage",
          "torch.HalfStorage",
          "torch.LongStorage",
          "torch.IntStorage",
          "torch.ShortStorage",
          "torch.CharStorage",
          "torch.ByteStorage",
          "torch.BoolStorage",
          "torch.BFloat16Storage",
          "torch.ComplexDoubleStorage",
          "torch.ComplexFloatStorage",
          "torch.QUInt8Storage",
          "torch.QInt8Storage",
          "torch.QInt32Storage",
          "torch.QUInt4x2Storage",
          "torch.QUInt2x4Storage",
          // rebuild functions, f"torch._utils.{f.__name__}"
          "torch._utils._rebuild_parameter",
          "torch._utils._rebuild_tensor",
          "torch._utils._rebuild_tensor_v2",
          "torch._utils._rebuild_sparse_tensor",
          "torch._utils._rebuild_meta_tensor_no_storage");

  /** The opcodes {@code Unpickler.load()} of torch 2.x handles (pickle.py's names). */
  static final Set<String> TORCH2_OPCODES =
      Set.of(
          "GLOBAL",
          "NEWOBJ",
          "REDUCE",
          "BUILD",
          "APPEND",
          "APPENDS",
          "SETITEM",
          "SETITEMS",
          "MARK",
          "TUPLE",
          "TUPLE1",
          "TUPLE2",
          "TUPLE3",
          "NONE",
          "NEWFALSE",
          "NEWTRUE",
          "EMPTY_TUPLE",
          "EMPTY_LIST",
          "EMPTY_DICT",
          "EMPTY_SET",
          "BININT",
          "BININT1",
          "BININT2",
          "BINFLOAT",
          "BINUNICODE",
          "SHORT_BINSTRING",
          "BINPERSID",
          "BINGET",
          "LONG_BINGET",
          "BINPUT",
          "LONG_BINPUT",
          "LONG1",
          "PROTO",
          "STOP");

  /**
   * Docs that show {@code torch.load(..., weights_only=True)}; each must say it takes torch 2.0 or
   * later.
   */
  static final List<String> DOCS_WITH_WEIGHTS_ONLY =
      List.of("getting-started.md", "resume.md", "checkpoint-format.md");

  static final Pattern NEEDS_TORCH_2 =
      Pattern.compile("(?i)(py)?torch\\s*(≥|>=)\\s*2\\.0|(py)?torch 2\\.0 or later");

  /** How close (in lines) to each {@code weights_only=True} the requirement must be stated. */
  static final int NEAR = 8;

  @Test
  void everyGlobalAndOpcodeOurWriterEmitsIsInTorch2sWeightsOnlyAllowlist() {
    PickleWriter pickle = PickleWriter.of(everyKindOfValue());

    Disassembly d = disassemble(pickle.bytes());

    assertThat(d.globals)
        .as("globals our files use")
        .isNotEmpty()
        .isSubsetOf(TORCH2_ALLOWED_GLOBALS);
    assertThat(d.opcodes)
        .as("opcodes our files use")
        .contains("BINFLOAT")
        .isSubsetOf(TORCH2_OPCODES);
    assertThat(d.protocol)
        .as("torch's weights_only reader expects protocol 2 and warns on others")
        .isEqualTo(2);
    // Every global the writer can name, whatever the tree: a storage class per dtype and the rest.
    for (DType dtype : DType.values()) {
      assertThat(TORCH2_ALLOWED_GLOBALS)
          .as("storage class of %s", dtype)
          .contains(TorchTypes.storageClass(dtype));
    }
    assertThat(TORCH2_ALLOWED_GLOBALS)
        .contains(TorchTypes.ORDERED_DICT, TorchTypes.REBUILD_TENSOR_V2);
  }

  @Test
  void docsShowingWeightsOnlyLoadingSayItNeedsTorch2() throws IOException {
    Path docs = Path.of("..", "docs");
    List<String> missing = new ArrayList<>();
    List<Path> pages;
    try (Stream<Path> files = Files.list(docs)) {
      pages = files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
    for (String name : DOCS_WITH_WEIGHTS_ONLY) {
      assertThat(Files.readString(docs.resolve(name))).as(name).contains("weights_only=True");
    }
    for (Path page : pages) {
      List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains("weights_only=True") && !statedNear(lines, i)) {
          missing.add(page.getFileName() + ":" + (i + 1) + ": " + lines.get(i).trim());
        }
      }
    }
    assertThat(missing)
        .as(
            "lines showing weights_only=True with no 'torch 2.0 or later' / 'torch ≥ 2.0' within %d"
                + " lines",
            NEAR)
        .isEmpty();
  }

  private static boolean statedNear(List<String> lines, int at) {
    for (int i = Math.max(0, at - NEAR); i <= Math.min(lines.size() - 1, at + NEAR); i++) {
      if (NEEDS_TORCH_2.matcher(lines.get(i)).find()) {
        return true;
      }
    }
    return false;
  }

  /**
   * A tree with every kind of value and key the writer accepts, every dtype and every integer
   * width.
   */
  private static Map<String, Object> everyKindOfValue() {
    Map<String, Object> tensors = new LinkedHashMap<>();
    for (DType dtype : DType.values()) {
      tensors.put(dtype.name(), HostTensor.allocateDirect(dtype, new long[] {2, 3}));
    }
    HostTensor shared =
        HostTensor.ofFloats(new long[] {1, 1, 1, 2}, 1f, 2f); // 4 dims: a MARK tuple
    tensors.put("scalar", HostTensor.ofFloats(new long[] {}, 7f));
    tensors.put("4d", shared);
    tensors.put("4d again", shared);
    tensors.put("empty", HostTensor.allocateDirect(DType.FLOAT32, new long[] {0, 5}));
    Map<Object, Object> keys = new HashMap<>();
    keys.put(1L, "long key");
    keys.put(2, "int key");
    keys.put(0.5, "double key");
    keys.put(1.5f, "float key");
    keys.put(true, "boolean key");
    keys.put(null, "null key");
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("state_dict", tensors);
    tree.put("plain dict", keys);
    tree.put(
        "ints",
        List.of(
            0,
            255,
            256,
            65535,
            65536,
            -1,
            Integer.MIN_VALUE,
            Integer.MAX_VALUE,
            1L << 40,
            Long.MIN_VALUE,
            Long.MAX_VALUE));
    tree.put("floats", List.of(0.0, -1.5, Double.NaN, Double.POSITIVE_INFINITY, 1e-300, 3.25f));
    tree.put("booleans", List.of(true, false));
    List<Object> withNull = new ArrayList<>();
    withNull.add(null);
    withNull.add(List.of());
    withNull.add(Map.of());
    withNull.add(new LinkedHashMap<>());
    tree.put("nested", List.of(withNull, List.of(List.of("deep", "ünïcode"))));
    tree.put("string", "latest");
    return tree;
  }

  private record Disassembly(int protocol, Set<String> opcodes, Set<String> globals) {}

  /**
   * The opcodes and globals of a pickle, by pickle.py's names; fails on an opcode it does not know.
   */
  private static Disassembly disassemble(byte[] p) {
    Set<String> opcodes = new TreeSet<>();
    Set<String> globals = new TreeSet<>();
    int protocol = -1;
    int i = 0;
    while (true) {
      int op = p[i++] & 0xff;
      String name =
          switch (op) {
            case Opcodes.PROTO -> "PROTO";
            case Opcodes.GLOBAL -> "GLOBAL";
            case Opcodes.BINPUT -> "BINPUT";
            case Opcodes.LONG_BINPUT -> "LONG_BINPUT";
            case Opcodes.BINGET -> "BINGET";
            case Opcodes.LONG_BINGET -> "LONG_BINGET";
            case Opcodes.EMPTY_TUPLE -> "EMPTY_TUPLE";
            case Opcodes.EMPTY_LIST -> "EMPTY_LIST";
            case Opcodes.EMPTY_DICT -> "EMPTY_DICT";
            case Opcodes.REDUCE -> "REDUCE";
            case Opcodes.MARK -> "MARK";
            case Opcodes.SETITEMS -> "SETITEMS";
            case Opcodes.SETITEM -> "SETITEM";
            case Opcodes.APPENDS -> "APPENDS";
            case Opcodes.APPEND -> "APPEND";
            case Opcodes.NONE -> "NONE";
            case Opcodes.NEWTRUE -> "NEWTRUE";
            case Opcodes.NEWFALSE -> "NEWFALSE";
            case Opcodes.BININT1 -> "BININT1";
            case Opcodes.BININT2 -> "BININT2";
            case Opcodes.BININT -> "BININT";
            case Opcodes.LONG1 -> "LONG1";
            case Opcodes.BINFLOAT -> "BINFLOAT";
            case Opcodes.BINUNICODE -> "BINUNICODE";
            case Opcodes.TUPLE -> "TUPLE";
            case Opcodes.TUPLE1 -> "TUPLE1";
            case Opcodes.TUPLE2 -> "TUPLE2";
            case Opcodes.TUPLE3 -> "TUPLE3";
            case Opcodes.BINPERSID -> "BINPERSID";
            case Opcodes.STOP -> "STOP";
            default ->
                throw new AssertionError(
                    "the writer emits opcode "
                        + Opcodes.name(op)
                        + " at byte "
                        + (i - 1)
                        + ", which this test does not know: add it here and check that torch 2's weights_only reader has it");
          };
      opcodes.add(name);
      switch (op) {
        case Opcodes.PROTO -> protocol = p[i++] & 0xff;
        case Opcodes.BINPUT, Opcodes.BINGET, Opcodes.BININT1 -> i += 1;
        case Opcodes.BININT2 -> i += 2;
        case Opcodes.LONG_BINPUT, Opcodes.LONG_BINGET, Opcodes.BININT -> i += 4;
        case Opcodes.BINFLOAT -> i += 8;
        case Opcodes.LONG1 -> i += 1 + (p[i] & 0xff);
        case Opcodes.BINUNICODE ->
            i +=
                4
                    + ((p[i] & 0xff)
                        | (p[i + 1] & 0xff) << 8
                        | (p[i + 2] & 0xff) << 16
                        | (p[i + 3] & 0xff) << 24);
        case Opcodes.GLOBAL -> {
          int moduleEnd = indexOf(p, i);
          int nameEnd = indexOf(p, moduleEnd + 1);
          globals.add(
              new String(p, i, moduleEnd - i, StandardCharsets.US_ASCII)
                  + "."
                  + new String(
                      p, moduleEnd + 1, nameEnd - moduleEnd - 1, StandardCharsets.US_ASCII));
          i = nameEnd + 1;
        }
        case Opcodes.STOP -> {
          return new Disassembly(protocol, opcodes, globals);
        }
        default -> {}
      }
    }
  }

  private static int indexOf(byte[] p, int from) {
    int i = from;
    while (p[i] != '\n') {
      i++;
    }
    return i;
  }
}

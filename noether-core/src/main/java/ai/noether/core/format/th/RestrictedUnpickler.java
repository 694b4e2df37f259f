package ai.noether.core.format.th;

import static ai.noether.core.format.th.Opcodes.*;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pickle reader that builds plain values only. It understands the opcodes of protocols 2 to 5
 * that {@code torch.save} and Python's pickler emit for containers, numbers, strings and tensors,
 * and resolves a global only if it is one of {@link TorchTypes#isAllowed the few} needed to rebuild
 * an {@code OrderedDict}, a tensor or a parameter. It never loads a class or calls a function: an
 * allowed global is a marker that {@code REDUCE} interprets itself; any other global stops the read
 * with a {@link ForbiddenGlobalException} at the {@code GLOBAL} opcode, before anything could be
 * applied to it.
 *
 * <p>Results: dicts and OrderedDicts become {@link LinkedHashMap}s in file order, lists {@link
 * ArrayList}s, tuples unmodifiable lists, ints {@code Long}, floats {@code Double}, tensors {@link
 * HostTensor}s over the storages the {@link StorageResolver} supplies.
 */
final class RestrictedUnpickler {

  /** Supplies the bytes of the storage a persistent id names. */
  interface StorageResolver {
    /**
     * The storage's data, validated to hold {@code numel} elements of {@code dtype}.
     *
     * @throws CorruptCheckpointException if the record is missing or too small
     */
    Storage resolve(String key, DType dtype, long numel);
  }

  /** A storage: {@code numel} elements of {@code dtype} in buffers split at element boundaries. */
  record Storage(String key, DType dtype, long numel, List<ByteBuffer> chunks) {
    @Override
    public String toString() {
      return "storage " + key + " (" + numel + " " + dtype + ")";
    }
  }

  private record Global(String name) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Deeper trees are refused, so that walking a loaded tree can never overflow the stack. */
  static final int MAX_DEPTH = 1000;

  /**
   * MARKs open at once. Each container level of a tree opens at most one or two (a tensor's
   * arguments two more), so a tree {@link #MAX_DEPTH} deep stays well below; a pickle of nothing
   * but MARKs would otherwise grow the mark stack with the file.
   */
  static final int MAX_OPEN_MARKS = 2 * MAX_DEPTH + 16;

  /**
   * Values a tuple used as a dict key may hold, nested tuples included. Keys in checkpoints are
   * strings, ints and small tuples; the bound keeps every key comparison short.
   */
  static final int MAX_KEY_VALUES = 64;

  /** Keys of one hash code in one dict that may differ in kind from the most common kind. */
  static final int MAX_SAME_HASH_KEYS = 64;

  private final byte[] data;
  private final String file;
  private final String record;
  private final StorageResolver storages;
  private final ArrayList<Object> stack = new ArrayList<>();
  private final ArrayDeque<Integer> marks = new ArrayDeque<>();
  private final Map<Long, Object> memo = new HashMap<>();
  private final Map<String, Storage> storageCache = new HashMap<>();

  /**
   * Every long string read, by content: equal long strings become one instance, so comparing dict
   * keys stays an identity check, however often a hostile pickle makes two equal megabyte strings
   * meet as keys. Comparing short strings is cheap anyway, and they are most of a checkpoint.
   */
  private final Map<String, String> longStrings = new HashMap<>();

  private static final int INTERN_FROM_BYTES = 64;

  /** The kind of each dict's first key; a dict whose keys are all of one kind needs no counting. */
  private final Map<Map<Object, Object>, Integer> dictKeyKind = new IdentityHashMap<>();

  /**
   * For dicts with keys of several kinds: per hash code, how many keys of each kind (see {@link
   * #countKey}).
   */
  private final Map<Map<Object, Object>, Map<Integer, int[]>> mixedKeyDicts =
      new IdentityHashMap<>();

  private final long copyBudget;
  private final String copyBudgetExplained;
  private final long maxTreeValues;
  private int pos;
  private int opStart;

  private RestrictedUnpickler(
      byte[] data,
      String file,
      String record,
      StorageResolver storages,
      long copyBudget,
      String copyBudgetExplained,
      long maxTreeValues) {
    this.data = data;
    this.file = file;
    this.record = record;
    this.storages = storages;
    this.copyBudget = copyBudget;
    this.copyBudgetExplained = copyBudgetExplained;
    this.maxTreeValues = maxTreeValues;
  }

  /**
   * Reads the object a pickle holds. Tensors that must be copied (non-contiguous views) may take
   * {@code copyBudget} bytes in all, checked before anything is allocated; the tree may hold {@code
   * maxTreeValues} values when its shared references are followed as a tree.
   *
   * @param copyBudgetExplained how the budget came about, for the error message
   * @throws ForbiddenGlobalException if it refers to a global outside the allowed set
   * @throws CorruptCheckpointException if it is malformed, truncated, holds unsupported values or
   *     passes a limit
   */
  static Object load(
      byte[] pickle,
      String file,
      String record,
      StorageResolver storages,
      long copyBudget,
      String copyBudgetExplained,
      long maxTreeValues) {
    RestrictedUnpickler u =
        new RestrictedUnpickler(
            pickle, file, record, storages, copyBudget, copyBudgetExplained, maxTreeValues);
    try {
      Object result = u.run();
      return u.new GraphCheck().check(result);
    } catch (CorruptCheckpointException e) {
      throw e;
    } catch (RuntimeException e) {
      // A safety net: whatever a hostile pickle provokes is reported as a bad file, never leaked.
      throw u.malformed("unexpected content (" + e + ")");
    } catch (StackOverflowError e) {
      // Nothing here recurses deeper than MAX_DEPTH; if a deeper path slipped through, say so.
      throw u.malformed("the tree is nested too deeply to check");
    }
  }

  private Object run() {
    while (true) {
      opStart = pos;
      int op = u8();
      switch (op) {
        case PROTO -> {
          int protocol = u8();
          if (protocol < 2 || protocol > 5) {
            throw malformed("pickle protocol " + protocol + " is not supported (2 to 5 are)");
          }
        }
        // Framing only groups opcodes and the data is read as one buffer anyway; but a frame that
        // claims more bytes than remain is damage (Python's unpickler refuses it too).
        case FRAME -> declared(i64(), "a frame");
        case STOP -> {
          if (stack.size() != 1 || !marks.isEmpty()) {
            throw malformed(
                "the pickle ends with " + stack.size() + " values on the stack instead of one");
          }
          return stack.get(0);
        }
        case MARK -> {
          if (marks.size() >= MAX_OPEN_MARKS) {
            throw malformed(
                "more than "
                    + MAX_OPEN_MARKS
                    + " MARKs are open at once; no checkpoint nests that"
                    + " deep (trees deeper than "
                    + MAX_DEPTH
                    + " levels are refused)");
          }
          marks.push(stack.size());
        }
        case POP -> pop();
        case POP_MARK -> popMark();
        case DUP -> push(peek());
        case NONE -> push(null);
        case NEWTRUE -> push(Boolean.TRUE);
        case NEWFALSE -> push(Boolean.FALSE);
        case BININT -> push((long) i32());
        case BININT1 -> push((long) u8());
        case BININT2 -> push((long) (u8() | (u8() << 8)));
        case LONG1 -> push(longOfBytes(declared(u8(), "a LONG1 integer")));
        case LONG4 -> push(longOfBytes(declared(i32(), "a LONG4 integer")));
        case BINFLOAT -> {
          long bits = 0;
          for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | u8();
          }
          push(Double.longBitsToDouble(bits));
        }
        case BINUNICODE -> push(utf8(declared(i32() & 0xFFFFFFFFL, "a string")));
        case SHORT_BINUNICODE -> push(utf8(declared(u8(), "a string")));
        case BINUNICODE8 -> push(utf8(declared(i64(), "a string")));
        case EMPTY_TUPLE -> push(tuple(List.of()));
        case TUPLE1, TUPLE2, TUPLE3 -> {
          int n = op - TUPLE1 + 1;
          if (stack.size() - n < (marks.isEmpty() ? 0 : marks.peek())) {
            throw malformed("a tuple needs " + n + " values but the stack has fewer");
          }
          List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
          stack.subList(stack.size() - n, stack.size()).clear();
          push(tuple(items));
        }
        case TUPLE -> push(tuple(popMark()));
        case EMPTY_LIST -> push(new ArrayList<>());
        case LIST -> push(new ArrayList<>(popMark()));
        case APPEND -> {
          Object item = pop();
          list(peek()).add(item);
        }
        case APPENDS -> {
          List<Object> items = popMark();
          list(peek()).addAll(items);
        }
        case EMPTY_DICT -> push(new LinkedHashMap<>());
        case DICT -> {
          Map<Object, Object> m = new LinkedHashMap<>();
          putAll(m, popMark());
          push(m);
        }
        case SETITEM -> {
          Object value = pop();
          Object key = pop();
          putAll(dict(peek()), Arrays.asList(key, value));
        }
        case SETITEMS -> {
          List<Object> items = popMark();
          putAll(dict(peek()), items);
        }
        case GLOBAL -> push(global(line(), line()));
        case STACK_GLOBAL -> {
          Object name = pop();
          Object module = pop();
          if (!(module instanceof String m) || !(name instanceof String n)) {
            throw malformed("STACK_GLOBAL needs two strings");
          }
          push(global(m, n));
        }
        case REDUCE -> {
          Object args = pop();
          Object callable = pop();
          push(reduce(callable, args));
        }
        case NEWOBJ -> {
          Object args = pop();
          Object cls = pop();
          if (!(cls instanceof Global g) || !g.name.equals(TorchTypes.ORDERED_DICT)) {
            throw malformed("NEWOBJ of " + describe(cls) + " is not supported");
          }
          push(reduce(cls, args));
        }
        case BUILD -> {
          Object state = pop();
          Object target = peek();
          // torch.save stores a state dict's '_metadata' (module versions) as OrderedDict instance
          // state; plain values have no room for it, so it is dropped.
          if (!(target instanceof LinkedHashMap) || !(state == null || state instanceof Map)) {
            throw malformed("BUILD on " + describe(target) + " is not supported");
          }
        }
        case BINPERSID -> push(persistent(pop()));
        case BINPUT -> memo.put((long) u8(), peek());
        case LONG_BINPUT -> memo.put(i32() & 0xFFFFFFFFL, peek());
        case MEMOIZE -> memo.put((long) memo.size(), peek());
        case BINGET -> push(memoGet(u8()));
        case LONG_BINGET -> push(memoGet(i32() & 0xFFFFFFFFL));
        default ->
            throw malformed("opcode " + Opcodes.name(op) + " is not supported in a checkpoint");
      }
    }
  }

  private Object global(String module, String name) {
    String qualified = module + "." + name;
    if (!TorchTypes.isAllowed(qualified)) {
      throw new ForbiddenGlobalException(
          file
              + ": record "
              + record
              + " refers to the global '"
              + qualified
              + "', which a checkpoint may not use (loading it could run code); nothing was loaded. Allowed globals: "
              + TorchTypes.ALLOWED
              + torchScriptHint(qualified),
          qualified);
    }
    return new Global(qualified);
  }

  /**
   * TorchScript pickles name classes under {@code __torch__} and helpers under {@code torch.jit}.
   */
  private static String torchScriptHint(String qualified) {
    return qualified.startsWith("__torch__.") || qualified.startsWith("torch.jit.")
        ? ". It is a TorchScript name: this looks like a TorchScript archive (torch.jit.save); save a state_dict"
            + " with torch.save(model.state_dict()) instead"
        : "";
  }

  private Object reduce(Object callable, Object args) {
    if (!(callable instanceof Global g)) {
      throw malformed("REDUCE applies " + describe(callable) + ", which is not callable");
    }
    if (!(args instanceof List<?> a) || !isTuple(args)) {
      throw malformed("REDUCE of " + g + " needs an argument tuple, not " + describe(args));
    }
    switch (g.name) {
      case TorchTypes.ORDERED_DICT -> {
        if (!a.isEmpty()) {
          throw malformed(
              "collections.OrderedDict is rebuilt without arguments, not with " + a.size());
        }
        return new LinkedHashMap<>();
      }
      case TorchTypes.REBUILD_TENSOR_V2 -> {
        if (a.size() < 6 || a.size() > 7 || !(a.get(0) instanceof Storage storage)) {
          throw malformed(
              g + " needs (storage, offset, size, stride, requires_grad, hooks[, metadata])");
        }
        return tensor(storage, a.get(1), a.get(2), a.get(3));
      }
      case TorchTypes.REBUILD_PARAMETER -> {
        if (a.size() != 3 || !(a.get(0) instanceof PendingTensor t)) {
          throw malformed(g + " needs (tensor, requires_grad, hooks)");
        }
        return t;
      }
      case TorchTypes.TORCH_SIZE -> {
        if (a.size() != 1 || !(a.get(0) instanceof List<?> dims)) {
          throw malformed(g + " needs one tuple of dimensions");
        }
        return tuple(new ArrayList<>(dims));
      }
      default -> throw malformed(g + " cannot be called here");
    }
  }

  private Object persistent(Object pid) {
    if (!(pid instanceof List<?> t)
        || t.size() != 5
        || !"storage".equals(t.get(0))
        || !(t.get(1) instanceof Global type)
        || !(t.get(2) instanceof String key)
        || !(t.get(4) instanceof Long numel)) {
      throw malformed(
          "persistent id " + describe(pid) + " is not ('storage', type, key, location, numel)");
    }
    DType dtype = TorchTypes.storageDType(type.name);
    if (dtype == null) {
      throw malformed("persistent id names " + type + ", which is not a storage type");
    }
    Storage cached = storageCache.get(key);
    if (cached != null) {
      if (cached.dtype() != dtype || cached.numel() != numel) {
        throw malformed(
            "storage "
                + key
                + " is used both as "
                + cached.numel()
                + " "
                + cached.dtype()
                + " and as "
                + numel
                + " "
                + dtype);
      }
      return cached;
    }
    if (numel < 0) {
      throw malformed("storage " + key + " has a negative size " + numel);
    }
    Storage s = storages.resolve(key, dtype, numel);
    storageCache.put(key, s);
    return s;
  }

  /**
   * A tensor is only described here; it is checked and built once the tree is complete, when its
   * place in the tree (its name in error messages) is known and before any copy is allocated.
   */
  private PendingTensor tensor(
      Storage storage, Object offsetValue, Object sizeValue, Object strideValue) {
    if (!(offsetValue instanceof Long offset) || offset < 0) {
      throw malformed(
          "tensor storage offset " + describe(offsetValue) + " is not a non-negative int");
    }
    long[] shape = longs(sizeValue, "size");
    long[] stride = longs(strideValue, "stride");
    if (shape.length != stride.length) {
      throw malformed(
          "tensor size "
              + Arrays.toString(shape)
              + " and stride "
              + Arrays.toString(stride)
              + " differ in length");
    }
    return new PendingTensor(storage, offset, shape, stride);
  }

  /**
   * A tensor as the pickle describes it, turned into a {@link HostTensor} by {@link GraphCheck}.
   */
  private record PendingTensor(Storage storage, long offset, long[] shape, long[] stride) {
    @Override
    public String toString() {
      return "of size "
          + Arrays.toString(shape)
          + ", stride "
          + Arrays.toString(stride)
          + " at offset "
          + offset
          + " of "
          + storage;
    }
  }

  private long[] longs(Object value, String what) {
    if (!(value instanceof List<?> l)) {
      throw malformed("tensor " + what + " " + describe(value) + " is not a tuple of ints");
    }
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Long v) || v < 0) {
        throw malformed(
            "tensor " + what + " must hold non-negative ints, not " + describe(l.get(i)));
      }
      out[i] = v;
    }
    return out;
  }

  /**
   * Checks the loaded object graph and builds its tensors. Shared references (memo GETs) make the
   * graph a DAG, possibly with cycles: each container is visited once (a visited set), so a diamond
   * of 40 levels costs 41 visits, not 2^40; a container met again on the current path is a cycle
   * and is refused. Alongside, it computes how many values each container holds when followed as a
   * tree, since every consumer of the result walks it as one; a tree of more than {@code
   * maxTreeValues} values is refused. Then it sums what the non-contiguous tensors would take to
   * copy, refuses the file if that passes the budget, and only then copies them.
   */
  private final class GraphCheck {
    private final IdentityHashMap<Object, Long> sizes = new IdentityHashMap<>();
    private final IdentityHashMap<Object, Boolean> onPath = new IdentityHashMap<>();

    /** Keys and list indices from the root to the value being checked, for messages. */
    private final ArrayList<Object> path = new ArrayList<>();

    private final IdentityHashMap<PendingTensor, HostTensor> tensors = new IdentityHashMap<>();
    private final List<Runnable> replacements = new ArrayList<>();
    private @Nullable String firstTooLarge;
    private long copyBytes;

    Object check(Object root) {
      long values = walk(root, 0);
      if (values > maxTreeValues) {
        throw malformed(
            firstTooLarge
                + " holds more than "
                + maxTreeValues
                + " values once its shared references"
                + " are followed, as every reader of the tree follows them; a checkpoint never repeats itself so"
                + " (a reference bomb)");
      }
      for (Map.Entry<PendingTensor, HostTensor> e : tensors.entrySet()) {
        PendingTensor t = e.getKey();
        e.setValue(StridedTensors.view(t.storage, t.offset, t.shape, t.stride));
      }
      replacements.forEach(Runnable::run);
      return root instanceof PendingTensor t ? viewOf(t) : root;
    }

    /** The view made in {@link #check} for a tensor that {@link #walk} met. */
    private HostTensor viewOf(PendingTensor t) {
      return Objects.requireNonNull(tensors.get(t), "a tensor the walk did not meet");
    }

    /** The number of values under {@code v} when walked as a tree, saturating at Long.MAX_VALUE. */
    private long walk(Object v, int depth) {
      if (v instanceof Global || v instanceof Storage) {
        throw malformed(
            where()
                + " is a bare "
                + v
                + "; only containers, numbers, strings and tensors can be"
                + " loaded");
      }
      if (v instanceof PendingTensor t) {
        plan(t);
        return 1;
      }
      if (v instanceof Tuple t && t.keyValues > 0) {
        return t.keyValues; // only scalars and small tuples inside: nothing to check
      }
      if (!(v instanceof Map<?, ?>) && !(v instanceof List<?>)) {
        return 1;
      }
      Long known = sizes.get(v);
      if (known != null) {
        return known;
      }
      if (depth >= MAX_DEPTH) {
        throw malformed("the tree is nested deeper than " + MAX_DEPTH + " levels");
      }
      if (onPath.put(v, Boolean.TRUE) != null) {
        throw malformed(
            where() + " contains itself (a reference cycle); a checkpoint tree has none");
      }
      long size = 1;
      if (v instanceof Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
          size = plus(size, e.getKey() instanceof Tuple t ? t.keyValues : 1);
          path.add(e.getKey());
          size = plus(size, walk(e.getValue(), depth + 1));
          path.remove(path.size() - 1);
          if (e.getValue() instanceof PendingTensor t) {
            @SuppressWarnings("unchecked")
            Map.Entry<Object, Object> entry = (Map.Entry<Object, Object>) e;
            replacements.add(() -> entry.setValue(tensors.get(t)));
          }
        }
      } else {
        List<?> list = (List<?>) v;
        for (int i = 0; i < list.size(); i++) {
          path.add(i);
          size = plus(size, walk(list.get(i), depth + 1));
          path.remove(path.size() - 1);
          if (list.get(i) instanceof PendingTensor t) {
            int index = i;
            replacements.add(
                v instanceof Tuple tuple
                    ? () -> tuple.replace(index, viewOf(t))
                    : () -> list(v).set(index, tensors.get(t)));
          }
        }
      }
      onPath.remove(v);
      sizes.put(v, size);
      if (size > maxTreeValues && firstTooLarge == null) {
        firstTooLarge = where();
      }
      return size;
    }

    /** Checks a tensor's size against its storage and counts what copying it would take. */
    private void plan(PendingTensor t) {
      if (tensors.containsKey(t)) {
        return;
      }
      tensors.put(t, null);
      long bytes;
      try {
        bytes = StridedTensors.copyBytes(t.storage, t.offset, t.shape, t.stride);
      } catch (IllegalArgumentException e) {
        throw new CorruptCheckpointException(
            file + ": record " + record + ": " + tensorWhere() + " " + e.getMessage(), e);
      }
      copyBytes = plus(copyBytes, bytes);
      if (copyBytes > copyBudget) {
        throw new CorruptCheckpointException(
            file
                + ": record "
                + record
                + ": "
                + tensorWhere()
                + " "
                + t
                + " is not contiguous and would be copied into "
                + bytes
                + " bytes, bringing the copies this file needs to "
                + copyBytes
                + " bytes, more than its limit of "
                + copyBudget
                + " ("
                + copyBudgetExplained
                + ")");
      }
    }

    private String tensorWhere() {
      return path.isEmpty() ? "the root tensor" : "tensor " + where();
    }

    /**
     * The path to the current value as PickleWriter names it: {@code 'state_dict.0.weight'}, {@code
     * 'x[3]'}.
     */
    private String where() {
      if (path.isEmpty()) {
        return "the root object";
      }
      StringBuilder b = new StringBuilder("'");
      for (Object step : path) {
        if (step instanceof Integer i) {
          b.append('[').append(i).append(']');
        } else {
          if (b.length() > 1) {
            b.append('.');
          }
          String key = String.valueOf(step);
          b.append(key.length() > 200 ? key.substring(0, 200) + "..." : key);
        }
      }
      return b.append('\'').toString();
    }
  }

  private static long plus(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private void putAll(Map<Object, Object> m, List<Object> items) {
    if (items.size() % 2 != 0) {
      throw malformed("a dict update has an odd number of items");
    }
    Map<Integer, int[]> groups = mixedKeyDicts.get(m);
    Integer kind = groups == null ? dictKeyKind.get(m) : null;
    for (int i = 0; i < items.size(); i += 2) {
      Object key = items.get(i);
      if (!isHashable(key)) {
        throw malformed(
            "dict key "
                + describe(key)
                + " is not supported; keys must be strings, numbers,"
                + " booleans, None or tuples of those (at most "
                + MAX_KEY_VALUES
                + " values)");
      }
      int before = m.size();
      m.put(key, items.get(i + 1));
      if (m.size() > before) {
        if (groups != null) {
          countKey(groups, key);
        } else if (kind == null) {
          kind = keyKind(key);
          dictKeyKind.put(m, kind);
        } else if (kind != keyKind(key)) {
          groups = new HashMap<>();
          mixedKeyDicts.put(m, groups);
          for (Object k : m.keySet()) {
            countKey(groups, k);
          }
        }
      }
    }
  }

  /**
   * HashMap keeps keys whose hashes collide in a tree ordered by hash and then by compareTo, which
   * keys of different kinds (an int and a string, say) lack: inserting a key scans every key of
   * another kind that has the same hash. Thousands of such keys, easy to forge, would take
   * quadratic time; so once a dict mixes kinds of keys, at most {@link #MAX_SAME_HASH_KEYS} keys of
   * one hash may differ in kind from the most common kind of that hash.
   */
  private void countKey(Map<Integer, int[]> groups, Object key) {
    int hash = Objects.hashCode(key);
    int[] kinds = groups.computeIfAbsent(hash, h -> new int[KEY_KINDS + 1]);
    kinds[keyKind(key)]++;
    kinds[KEY_KINDS]++;
    int most = 0;
    for (int k = 0; k < KEY_KINDS; k++) {
      most = Math.max(most, kinds[k]);
    }
    if (kinds[KEY_KINDS] - most > MAX_SAME_HASH_KEYS) {
      throw malformed(
          "a dict holds more than "
              + MAX_SAME_HASH_KEYS
              + " keys of different kinds with the same hash"
              + " code ("
              + hash
              + "), such as "
              + describe(key)
              + "; keys built to collide, not a checkpoint");
    }
  }

  private static final int KEY_KINDS = 6;

  private static int keyKind(Object key) {
    return key == null
        ? 0
        : key instanceof Boolean
            ? 1
            : key instanceof Long ? 2 : key instanceof Double ? 3 : key instanceof String ? 4 : 5;
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> dict(Object o) {
    if (!(o instanceof LinkedHashMap)) {
      throw malformed("SETITEM(S) needs a dict but found " + describe(o));
    }
    return (Map<Object, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object o) {
    if (!(o instanceof ArrayList)) {
      throw malformed("APPEND(S) needs a list but found " + describe(o));
    }
    return (List<Object>) o;
  }

  private static List<Object> tuple(List<Object> items) {
    return new Tuple(items);
  }

  /**
   * Python's rule: scalars, and tuples of hashable values (never lists or dicts); tuples kept
   * small.
   */
  private static boolean isHashable(Object key) {
    return isScalar(key) || key instanceof Tuple t && t.keyValues > 0;
  }

  private static boolean isScalar(Object o) {
    return o == null
        || o instanceof String
        || o instanceof Long
        || o instanceof Double
        || o instanceof Boolean;
  }

  private static boolean isTuple(Object o) {
    return o instanceof Tuple;
  }

  /**
   * An immutable list that marks a Python tuple while unpickling (REDUCE takes tuples only). A
   * tuple that can be a dict key knows its size and hash when it is made, and orders itself against
   * other such tuples: HashMap then keeps keys whose hashes collide in a sorted tree instead of
   * scanning them, so a file full of colliding tuple keys costs no more than any other.
   */
  private static final class Tuple extends java.util.AbstractList<Object>
      implements java.util.RandomAccess, Comparable<Tuple> {
    private final Object[] items;

    /** Values inside, this tuple included, if it may be a dict key; 0 if it may not. */
    final int keyValues;

    private final int hash;

    Tuple(List<Object> items) {
      this.items = items.toArray();
      long values = 1;
      int h = 1;
      for (Object item : this.items) {
        if (isScalar(item)) {
          values++;
        } else if (item instanceof Tuple t && t.keyValues > 0) {
          values += t.keyValues;
        } else {
          values = Long.MAX_VALUE;
          break;
        }
        h = 31 * h + (item == null ? 0 : item.hashCode());
      }
      this.keyValues = values <= MAX_KEY_VALUES ? (int) values : 0;
      this.hash = h;
    }

    @Override
    public Object get(int index) {
      return items[index];
    }

    @Override
    public int size() {
      return items.length;
    }

    @Override
    public int hashCode() {
      return keyValues > 0 ? hash : super.hashCode();
    }

    /** Puts the built tensor where the pickle had only its description. */
    void replace(int index, Object value) {
      items[index] = value;
    }

    /**
     * A total order consistent with equals over key tuples: by item, scalars by type then value.
     */
    @Override
    public int compareTo(Tuple other) {
      int n = Math.min(items.length, other.items.length);
      for (int i = 0; i < n; i++) {
        int c = compareItems(items[i], other.items[i]);
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(items.length, other.items.length);
    }

    private static int compareItems(Object a, Object b) {
      if (a == b) {
        return 0;
      }
      int c = Integer.compare(rank(a), rank(b));
      if (c != 0) {
        return c;
      }
      if (a instanceof Boolean x) {
        return Boolean.compare(x, (Boolean) b);
      } else if (a instanceof Long x) {
        return Long.compare(x, (Long) b);
      } else if (a instanceof Double x) {
        return Double.compare(x, (Double) b);
      } else if (a instanceof String x) {
        return x.compareTo((String) b);
      } else if (a instanceof Tuple x) {
        return x.compareTo((Tuple) b);
      }
      return 0;
    }

    private static int rank(Object o) {
      return o == null
          ? 0
          : o instanceof Boolean
              ? 1
              : o instanceof Long
                  ? 2
                  : o instanceof Double ? 3 : o instanceof String ? 4 : o instanceof Tuple ? 5 : 6;
    }
  }

  private Object memoGet(long index) {
    if (!memo.containsKey(index)) {
      throw malformed("memo entry " + index + " is read before it is written");
    }
    return memo.get(index);
  }

  private void push(@Nullable Object o) {
    stack.add(o);
  }

  private Object pop() {
    int floor = marks.isEmpty() ? 0 : marks.peek();
    if (stack.size() <= floor) {
      throw malformed("the stack is empty");
    }
    return stack.remove(stack.size() - 1);
  }

  private Object peek() {
    int floor = marks.isEmpty() ? 0 : marks.peek();
    if (stack.size() <= floor) {
      throw malformed("the stack is empty");
    }
    return stack.get(stack.size() - 1);
  }

  private List<Object> popMark() {
    if (marks.isEmpty()) {
      throw malformed("no MARK to pop to");
    }
    int mark = marks.pop();
    List<Object> items = new ArrayList<>(stack.subList(mark, stack.size()));
    stack.subList(mark, stack.size()).clear();
    return items;
  }

  private int u8() {
    if (pos >= data.length) {
      throw truncated();
    }
    return data[pos++] & 0xff;
  }

  private int i32() {
    return u8() | (u8() << 8) | (u8() << 16) | (u8() << 24);
  }

  private long i64() {
    return (i32() & 0xFFFFFFFFL) | ((long) i32() << 32);
  }

  /**
   * Checks a length an opcode declares against the bytes left; a negative value is an unsigned
   * length beyond 2^63.
   */
  private int declared(long n, String what) {
    int left = data.length - pos;
    if (n < 0 || n > left) {
      throw new CorruptCheckpointException(
          file
              + ": record "
              + record
              + " is truncated or damaged: "
              + what
              + " at byte "
              + opStart
              + " declares "
              + Long.toUnsignedString(n)
              + " bytes but only "
              + left
              + " remain in the pickle");
    }
    return (int) n;
  }

  private Long longOfBytes(int n) {
    if (n > 8) {
      throw malformed("an integer of " + n + " bytes does not fit a 64-bit long");
    }
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (data[pos + i] & 0xff);
    }
    if (n > 0 && n < 8 && (data[pos + n - 1] & 0x80) != 0) {
      v |= -1L << (8 * n); // sign-extend
    }
    pos += n;
    return v;
  }

  private String utf8(int n) {
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(data, pos, n))
              .toString();
      pos += n;
      if (n < INTERN_FROM_BYTES) {
        return s;
      }
      String known = longStrings.putIfAbsent(s, s);
      return known != null ? known : s;
    } catch (CharacterCodingException e) {
      throw malformed("a string is not valid UTF-8");
    }
  }

  private String line() {
    int end = pos;
    while (end < data.length && data[end] != '\n') {
      end++;
    }
    if (end >= data.length) {
      throw truncated();
    }
    String s = new String(data, pos, end - pos, StandardCharsets.UTF_8);
    pos = end + 1;
    return s;
  }

  /** A short description for error messages; never walks into containers (they may be cyclic). */
  private static String describe(Object o) {
    if (o == null) {
      return "None";
    }
    if (o instanceof Tuple t) {
      return "a tuple of " + t.size();
    }
    if (o instanceof List<?> l) {
      return "a list of " + l.size();
    }
    if (o instanceof Map<?, ?> m) {
      return "a dict of " + m.size();
    }
    if (o instanceof PendingTensor t) {
      return "HostTensor " + t;
    }
    String s = String.valueOf(o);
    return o.getClass().getSimpleName() + " " + (s.length() > 60 ? s.substring(0, 60) + "..." : s);
  }

  private CorruptCheckpointException malformed(String what) {
    return new CorruptCheckpointException(
        file
            + ": record "
            + record
            + " is not a valid checkpoint pickle: "
            + what
            + " (at byte "
            + opStart
            + ")");
  }

  private CorruptCheckpointException truncated() {
    return new CorruptCheckpointException(
        file
            + ": record "
            + record
            + " is truncated: the pickle ends at byte "
            + data.length
            + " in the middle of an opcode");
  }
}

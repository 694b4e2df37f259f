package ai.noether.core.format.th;

import static ai.noether.core.format.th.Opcodes.*;

import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle reader that builds plain values only. It understands the opcodes of protocols 2 to 5
 * that {@code torch.save} and Python's pickler emit for containers, numbers, strings and tensors,
 * and resolves a global only if it is one of {@link TorchTypes#isAllowed the few} needed to
 * rebuild an {@code OrderedDict}, a tensor or a parameter. It never loads a class or calls a
 * function: an allowed global is a marker that {@code REDUCE} interprets itself; any other global
 * stops the read with a {@link ForbiddenGlobalException} at the {@code GLOBAL} opcode, before
 * anything could be applied to it.
 *
 * <p>Results: dicts and OrderedDicts become {@link LinkedHashMap}s in file order, lists
 * {@link ArrayList}s, tuples unmodifiable lists, ints {@code Long}, floats {@code Double}, tensors
 * {@link HostTensor}s over the storages the {@link StorageResolver} supplies.
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

  private final byte[] data;
  private final String file;
  private final String record;
  private final StorageResolver storages;
  private final ArrayList<Object> stack = new ArrayList<>();
  private final ArrayDeque<Integer> marks = new ArrayDeque<>();
  private final Map<Long, Object> memo = new HashMap<>();
  private final Map<String, Storage> storageCache = new HashMap<>();
  private int pos;
  private int opStart;

  private RestrictedUnpickler(byte[] data, String file, String record, StorageResolver storages) {
    this.data = data;
    this.file = file;
    this.record = record;
    this.storages = storages;
  }

  /**
   * Reads the object a pickle holds.
   *
   * @throws ForbiddenGlobalException if it refers to a global outside the allowed set
   * @throws CorruptCheckpointException if it is malformed, truncated or holds unsupported values
   */
  static Object load(byte[] pickle, String file, String record, StorageResolver storages) {
    RestrictedUnpickler u = new RestrictedUnpickler(pickle, file, record, storages);
    try {
      Object result = u.run();
      u.checkTree(result, new IdentityHashMap<>(), "the root object", 0);
      return result;
    } catch (CorruptCheckpointException e) {
      throw e;
    } catch (RuntimeException e) {
      // A safety net: whatever a hostile pickle provokes is reported as a bad file, never leaked.
      throw u.malformed("unexpected content (" + e + ")");
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
        case FRAME -> skip(8); // framing only groups opcodes; the data is read as one buffer anyway
        case STOP -> {
          if (stack.size() != 1 || !marks.isEmpty()) {
            throw malformed("the pickle ends with " + stack.size() + " values on the stack instead of one");
          }
          return stack.get(0);
        }
        case MARK -> marks.push(stack.size());
        case POP -> pop();
        case POP_MARK -> popMark();
        case DUP -> push(peek());
        case NONE -> push(null);
        case NEWTRUE -> push(Boolean.TRUE);
        case NEWFALSE -> push(Boolean.FALSE);
        case BININT -> push((long) i32());
        case BININT1 -> push((long) u8());
        case BININT2 -> push((long) (u8() | (u8() << 8)));
        case LONG1 -> push(longOfBytes(u8()));
        case LONG4 -> push(longOfBytes(length(i32())));
        case BINFLOAT -> {
          long bits = 0;
          for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | u8();
          }
          push(Double.longBitsToDouble(bits));
        }
        case BINUNICODE -> push(utf8(length(i32())));
        case SHORT_BINUNICODE -> push(utf8(u8()));
        case BINUNICODE8 -> push(utf8(length(i64())));
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
        default -> throw malformed("opcode " + Opcodes.name(op) + " is not supported in a checkpoint");
      }
    }
  }

  private Object global(String module, String name) {
    String qualified = module + "." + name;
    if (!TorchTypes.isAllowed(qualified)) {
      throw new ForbiddenGlobalException(file + ": record " + record + " refers to the global '" + qualified
          + "', which a checkpoint may not use (loading it could run code); nothing was loaded. Allowed globals: "
          + TorchTypes.ALLOWED, qualified);
    }
    return new Global(qualified);
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
          throw malformed("collections.OrderedDict is rebuilt without arguments, not with " + a.size());
        }
        return new LinkedHashMap<>();
      }
      case TorchTypes.REBUILD_TENSOR_V2 -> {
        if (a.size() < 6 || a.size() > 7 || !(a.get(0) instanceof Storage storage)) {
          throw malformed(g + " needs (storage, offset, size, stride, requires_grad, hooks[, metadata])");
        }
        return tensor(storage, a.get(1), a.get(2), a.get(3));
      }
      case TorchTypes.REBUILD_PARAMETER -> {
        if (a.size() != 3 || !(a.get(0) instanceof HostTensor t)) {
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
    if (!(pid instanceof List<?> t) || t.size() != 5 || !"storage".equals(t.get(0))
        || !(t.get(1) instanceof Global type) || !(t.get(2) instanceof String key)
        || !(t.get(4) instanceof Long numel)) {
      throw malformed("persistent id " + describe(pid) + " is not ('storage', type, key, location, numel)");
    }
    DType dtype = TorchTypes.storageDType(type.name);
    if (dtype == null) {
      throw malformed("persistent id names " + type + ", which is not a storage type");
    }
    Storage cached = storageCache.get(key);
    if (cached != null) {
      if (cached.dtype() != dtype || cached.numel() != numel) {
        throw malformed("storage " + key + " is used both as " + cached.numel() + " " + cached.dtype() + " and as "
            + numel + " " + dtype);
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

  private HostTensor tensor(Storage storage, Object offsetValue, Object sizeValue, Object strideValue) {
    if (!(offsetValue instanceof Long offset) || offset < 0) {
      throw malformed("tensor storage offset " + describe(offsetValue) + " is not a non-negative int");
    }
    long[] shape = longs(sizeValue, "size");
    long[] stride = longs(strideValue, "stride");
    if (shape.length != stride.length) {
      throw malformed("tensor size " + Arrays.toString(shape) + " and stride " + Arrays.toString(stride)
          + " differ in length");
    }
    try {
      return StridedTensors.view(storage, offset, shape, stride);
    } catch (IllegalArgumentException e) {
      throw new CorruptCheckpointException(file + ": record " + record + ": " + e.getMessage(), e);
    }
  }

  private long[] longs(Object value, String what) {
    if (!(value instanceof List<?> l)) {
      throw malformed("tensor " + what + " " + describe(value) + " is not a tuple of ints");
    }
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Long v) || v < 0) {
        throw malformed("tensor " + what + " must hold non-negative ints, not " + describe(l.get(i)));
      }
      out[i] = v;
    }
    return out;
  }

  /** Rejects values only the unpickler itself may hold, non-hashable keys and cycles. */
  private void checkTree(Object v, IdentityHashMap<Object, Boolean> path, String where, int depth) {
    if (depth > MAX_DEPTH) {
      throw malformed("the tree is nested deeper than " + MAX_DEPTH + " levels");
    }
    if (v instanceof Global || v instanceof Storage) {
      throw malformed(where + " is a bare " + v + "; only containers, numbers, strings and tensors can be loaded");
    }
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      if (path.put(v, Boolean.TRUE) != null) {
        throw malformed(where + " contains itself");
      }
      if (v instanceof Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
          checkTree(e.getKey(), path, "a key of " + where, depth + 1);
          checkTree(e.getValue(), path, "'" + e.getKey() + "'", depth + 1);
        }
      } else {
        for (Object item : (List<?>) v) {
          checkTree(item, path, where, depth + 1);
        }
      }
      path.remove(v);
    }
  }

  private void putAll(Map<Object, Object> m, List<Object> items) {
    if (items.size() % 2 != 0) {
      throw malformed("a dict update has an odd number of items");
    }
    for (int i = 0; i < items.size(); i += 2) {
      Object key = items.get(i);
      if (!isHashable(key, 0)) {
        throw malformed("dict key " + describe(key) + " is not supported; keys must be strings, numbers,"
            + " booleans, None or tuples");
      }
      m.put(key, items.get(i + 1));
    }
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

  /** Python's rule: scalars, and tuples of hashable values (never lists or dicts). */
  private static boolean isHashable(Object key, int depth) {
    if (key == null || key instanceof String || key instanceof Long || key instanceof Double
        || key instanceof Boolean) {
      return true;
    }
    if (!(key instanceof Tuple t) || depth > MAX_DEPTH) {
      return false;
    }
    for (Object item : t) {
      if (!isHashable(item, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isTuple(Object o) {
    return o instanceof Tuple;
  }

  /** An immutable list that marks a Python tuple while unpickling (REDUCE takes tuples only). */
  private static final class Tuple extends java.util.AbstractList<Object> implements java.util.RandomAccess {
    private final Object[] items;

    Tuple(List<Object> items) {
      this.items = items.toArray();
    }

    @Override
    public Object get(int index) {
      return items[index];
    }

    @Override
    public int size() {
      return items.length;
    }
  }

  private Object memoGet(long index) {
    if (!memo.containsKey(index)) {
      throw malformed("memo entry " + index + " is read before it is written");
    }
    return memo.get(index);
  }

  private void push(Object o) {
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

  private int length(long n) {
    if (n < 0 || n > data.length - pos) {
      throw truncated();
    }
    return (int) n;
  }

  private void skip(int n) {
    pos += length(n);
  }

  private Long longOfBytes(int n) {
    length(n);
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
    length(n);
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data, pos, n))
          .toString();
      pos += n;
      return s;
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
    String s = String.valueOf(o);
    return o.getClass().getSimpleName() + " " + (s.length() > 60 ? s.substring(0, 60) + "..." : s);
  }

  private CorruptCheckpointException malformed(String what) {
    return new CorruptCheckpointException(file + ": record " + record + " is not a valid checkpoint pickle: " + what
        + " (at byte " + opStart + ")");
  }

  private CorruptCheckpointException truncated() {
    return new CorruptCheckpointException(file + ": record " + record + " is truncated: the pickle ends at byte "
        + data.length + " in the middle of an opcode");
  }
}

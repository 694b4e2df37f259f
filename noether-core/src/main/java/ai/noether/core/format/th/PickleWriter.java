package ai.noether.core.format.th;

import static ai.noether.core.format.th.Opcodes.*;

import ai.noether.api.tensor.HostTensor;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a state tree as the protocol-2 pickle that {@code torch.save} produces: maps as {@code
 * dict} (or {@code collections.OrderedDict} for insertion-ordered maps), lists, strings, numbers,
 * booleans, {@code None}, and tensors as {@code torch._utils._rebuild_tensor_v2} calls whose
 * storage is a persistent id {@code ('storage', torch.FloatStorage, key, 'cpu', numel)}.
 *
 * <p>Tensor bytes never enter the pickle: each distinct {@link HostTensor} (by identity) becomes
 * one storage, listed in {@link #storages()} in key order {@code "0", "1", ...}.
 */
final class PickleWriter {
  private final Buf out = new Buf();
  private final Map<HostTensor, String> storageKeys = new IdentityHashMap<>();
  private final List<HostTensor> storages = new ArrayList<>();
  private final Map<String, Integer> memoizedGlobals = new HashMap<>();
  private final IdentityHashMap<Object, Boolean> path = new IdentityHashMap<>();
  private int memoSize;

  /**
   * Pickles {@code tree}; throws IllegalArgumentException naming the path of a value it cannot
   * store.
   */
  static PickleWriter of(Object tree) {
    PickleWriter w = new PickleWriter();
    w.out.put(PROTO).put(2);
    w.value(tree, "");
    w.out.put(STOP);
    return w;
  }

  byte[] bytes() {
    return out.toArray();
  }

  /** The tensors to write as records {@code data/0}, {@code data/1}, ... in that order. */
  List<HostTensor> storages() {
    return Collections.unmodifiableList(storages);
  }

  private void value(Object v, String where) {
    if (v == null) {
      out.put(NONE);
    } else if (v instanceof String s) {
      string(s);
    } else if (v instanceof Boolean b) {
      out.put(b ? NEWTRUE : NEWFALSE);
    } else if (v instanceof Long
        || v instanceof Integer
        || v instanceof Short
        || v instanceof Byte) {
      integer(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      out.put(BINFLOAT).putLongBigEndian(Double.doubleToRawLongBits(((Number) v).doubleValue()));
    } else if (v instanceof HostTensor t) {
      tensor(t);
    } else if (v instanceof Map<?, ?> m) {
      enter(m, where);
      map(m, where);
      path.remove(m);
    } else if (v instanceof List<?> l) {
      enter(l, where);
      list(l, where);
      path.remove(l);
    } else {
      throw new IllegalArgumentException(
          describe(where)
              + " holds a "
              + v.getClass().getName()
              + ", which a checkpoint cannot store; allowed: Map, List, String, Long, Integer, Double, Float,"
              + " Boolean, null and HostTensor");
    }
  }

  private void enter(Object container, String where) {
    if (path.size() >= RestrictedUnpickler.MAX_DEPTH) {
      throw new IllegalArgumentException(
          describe(where)
              + " is nested deeper than "
              + RestrictedUnpickler.MAX_DEPTH
              + " levels, more than a checkpoint may hold");
    }
    if (path.put(container, Boolean.TRUE) != null) {
      throw new IllegalArgumentException(
          describe(where) + " contains itself; a checkpoint tree must not have cycles");
    }
  }

  private void map(Map<?, ?> m, String where) {
    if (m instanceof LinkedHashMap) {
      global(TorchTypes.ORDERED_DICT);
      out.put(EMPTY_TUPLE).put(REDUCE);
    } else {
      out.put(EMPTY_DICT);
    }
    if (m.isEmpty()) {
      return;
    }
    out.put(MARK);
    for (Map.Entry<?, ?> e : m.entrySet()) {
      Object key = e.getKey();
      if (!(key == null
          || key instanceof String
          || key instanceof Long
          || key instanceof Integer
          || key instanceof Double
          || key instanceof Float
          || key instanceof Boolean)) {
        throw new IllegalArgumentException(
            describe(where)
                + " has a key of type "
                + key.getClass().getName()
                + "; map keys must be String, Long, Integer, Double, Float, Boolean or null");
      }
      value(key, where);
      value(e.getValue(), child(where, String.valueOf(key)));
    }
    out.put(SETITEMS);
  }

  private void list(List<?> l, String where) {
    out.put(EMPTY_LIST);
    if (l.isEmpty()) {
      return;
    }
    out.put(MARK);
    int i = 0;
    for (Object item : l) {
      value(item, where + "[" + i++ + "]");
    }
    out.put(APPENDS);
  }

  private void tensor(HostTensor t) {
    String key = storageKeys.get(t);
    if (key == null) {
      key = Integer.toString(storages.size());
      storageKeys.put(t, key);
      storages.add(t);
    }
    long[] shape = t.shape();
    global(TorchTypes.REBUILD_TENSOR_V2);
    out.put(MARK);
    // persistent id: ('storage', torch.XStorage, key, 'cpu', numel)
    out.put(MARK);
    string("storage");
    global(TorchTypes.storageClass(t.dtype()));
    string(key);
    string("cpu");
    integer(t.elementCount());
    out.put(TUPLE).put(BINPERSID);
    integer(0); // storage offset
    intTuple(shape);
    intTuple(TorchTypes.contiguousStrides(shape));
    out.put(NEWFALSE); // requires_grad
    global(TorchTypes.ORDERED_DICT); // backward hooks: an empty OrderedDict, as torch writes it
    out.put(EMPTY_TUPLE).put(REDUCE);
    out.put(TUPLE).put(REDUCE);
  }

  private void intTuple(long[] values) {
    switch (values.length) {
      case 0 -> out.put(EMPTY_TUPLE);
      case 1, 2, 3 -> {
        for (long v : values) {
          integer(v);
        }
        out.put(TUPLE1 + values.length - 1);
      }
      default -> {
        out.put(MARK);
        for (long v : values) {
          integer(v);
        }
        out.put(TUPLE);
      }
    }
  }

  private void integer(long v) {
    if (v >= 0 && v < 0x100) {
      out.put(BININT1).put((int) v);
    } else if (v >= 0 && v < 0x10000) {
      out.put(BININT2).put((int) v & 0xff).put((int) (v >>> 8));
    } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      out.put(BININT).putIntLittleEndian((int) v);
    } else {
      // LONG1: minimal two's complement, little-endian, as CPython's encode_long
      byte[] be = BigInteger.valueOf(v).toByteArray();
      out.put(LONG1).put(be.length);
      for (int i = be.length - 1; i >= 0; i--) {
        out.put(be[i]);
      }
    }
  }

  private void string(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.put(BINUNICODE).putIntLittleEndian(utf8.length).put(utf8);
  }

  /** GLOBAL once, then BINGET from the memo. */
  private void global(String qualifiedName) {
    Integer memo = memoizedGlobals.get(qualifiedName);
    if (memo != null) {
      if (memo < 0x100) {
        out.put(BINGET).put(memo);
      } else {
        out.put(LONG_BINGET).putIntLittleEndian(memo);
      }
      return;
    }
    int dot = qualifiedName.lastIndexOf('.');
    out.put(GLOBAL)
        .put(
            (qualifiedName.substring(0, dot) + "\n" + qualifiedName.substring(dot + 1) + "\n")
                .getBytes(StandardCharsets.US_ASCII));
    int index = memoSize++;
    memoizedGlobals.put(qualifiedName, index);
    if (index < 0x100) {
      out.put(BINPUT).put(index);
    } else {
      out.put(LONG_BINPUT).putIntLittleEndian(index);
    }
  }

  private static String child(String where, String key) {
    return where.isEmpty() ? key : where + "." + key;
  }

  private static String describe(String where) {
    return where.isEmpty() ? "the checkpoint tree" : "'" + where + "'";
  }

  /** A growable byte array; the pickle is small (tensor bytes are records of their own). */
  private static final class Buf {
    private byte[] a = new byte[4096];
    private int n;

    Buf put(int b) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = (byte) b;
      return this;
    }

    Buf put(byte[] bytes) {
      if (n + bytes.length > a.length) {
        a = java.util.Arrays.copyOf(a, Math.max(a.length * 2, n + bytes.length));
      }
      System.arraycopy(bytes, 0, a, n, bytes.length);
      n += bytes.length;
      return this;
    }

    Buf putIntLittleEndian(int v) {
      return put(v).put(v >>> 8).put(v >>> 16).put(v >>> 24);
    }

    Buf putLongBigEndian(long v) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        put((int) (v >>> shift));
      }
      return this;
    }

    byte[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}

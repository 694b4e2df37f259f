package ai.noether.core.format.th;

import static ai.noether.core.format.th.Opcodes.*;
import static ai.noether.core.format.th.PickleValues.describe;

import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 *
 * <p>This class decodes the opcodes, in one switch; the parts it drives: {@link PickleInput} (the
 * bytes, every declared length checked, and the error messages), {@link PickleStack} (stack, MARKs,
 * memo), {@link DictKeyGuard} (dict inserts that stay cheap for forged keys), {@link
 * AllowedGlobals} (the allow-list and what each global rebuilds), {@link PersistentStorageIds}
 * (storages by persistent id) and, once the pickle is read, {@link ObjectGraphCheck} (cycles,
 * depth, reference bombs, copy budget, and the tensors built).
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

  /** Deeper trees are refused, so that walking a loaded tree can never overflow the stack. */
  static final int MAX_DEPTH = 1000;

  private final PickleInput in;
  private final PickleStack stack;
  private final DictKeyGuard dicts;
  private final AllowedGlobals globals;
  private final PersistentStorageIds storageIds;

  private RestrictedUnpickler(PickleInput in, StorageResolver storages) {
    this.in = in;
    this.stack = new PickleStack(in);
    this.dicts = new DictKeyGuard(in);
    this.globals = new AllowedGlobals(in);
    this.storageIds = new PersistentStorageIds(in, storages);
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
    PickleInput in = new PickleInput(pickle, file, record);
    RestrictedUnpickler u = new RestrictedUnpickler(in, storages);
    try {
      Object result = u.run();
      return new ObjectGraphCheck(in, copyBudget, copyBudgetExplained, maxTreeValues).check(result);
    } catch (CorruptCheckpointException e) {
      throw e;
    } catch (RuntimeException e) {
      // A safety net: whatever a hostile pickle provokes is reported as a bad file, never leaked.
      throw in.malformed("unexpected content (" + e + ")");
    } catch (StackOverflowError e) {
      // Nothing here recurses deeper than MAX_DEPTH; if a deeper path slipped through, say so.
      throw in.malformed("the tree is nested too deeply to check");
    }
  }

  private Object run() {
    while (true) {
      int op = in.opcode();
      switch (op) {
        case PROTO -> {
          int protocol = in.u8();
          if (protocol < 2 || protocol > 5) {
            throw in.malformed("pickle protocol " + protocol + " is not supported (2 to 5 are)");
          }
        }
        // Framing only groups opcodes and the data is read as one buffer anyway; but a frame that
        // claims more bytes than remain is damage (Python's unpickler refuses it too).
        case FRAME -> in.declared(in.i64(), "a frame");
        case STOP -> {
          return stack.result();
        }
        case MARK -> stack.mark();
        case POP -> stack.pop();
        case POP_MARK -> stack.popMark();
        case DUP -> stack.push(stack.peek());
        case NONE -> stack.push(null);
        case NEWTRUE -> stack.push(Boolean.TRUE);
        case NEWFALSE -> stack.push(Boolean.FALSE);
        case BININT -> stack.push((long) in.i32());
        case BININT1 -> stack.push((long) in.u8());
        case BININT2 -> stack.push((long) (in.u8() | (in.u8() << 8)));
        case LONG1 -> stack.push(in.longOfBytes(in.declared(in.u8(), "a LONG1 integer")));
        case LONG4 -> stack.push(in.longOfBytes(in.declared(in.i32(), "a LONG4 integer")));
        case BINFLOAT -> stack.push(in.f64());
        case BINUNICODE -> stack.push(in.utf8(in.declared(in.i32() & 0xFFFFFFFFL, "a string")));
        case SHORT_BINUNICODE -> stack.push(in.utf8(in.declared(in.u8(), "a string")));
        case BINUNICODE8 -> stack.push(in.utf8(in.declared(in.i64(), "a string")));
        case EMPTY_TUPLE -> stack.push(new PickleTuple(List.of()));
        case TUPLE1, TUPLE2, TUPLE3 -> stack.push(new PickleTuple(stack.popTuple(op - TUPLE1 + 1)));
        case TUPLE -> stack.push(new PickleTuple(stack.popMark()));
        case EMPTY_LIST -> stack.push(new ArrayList<>());
        case LIST -> stack.push(new ArrayList<>(stack.popMark()));
        case APPEND -> {
          Object item = stack.pop();
          list(stack.peek()).add(item);
        }
        case APPENDS -> {
          List<Object> items = stack.popMark();
          list(stack.peek()).addAll(items);
        }
        case EMPTY_DICT -> stack.push(new LinkedHashMap<>());
        case DICT -> {
          Map<Object, Object> m = new LinkedHashMap<>();
          dicts.putAll(m, stack.popMark());
          stack.push(m);
        }
        case SETITEM -> {
          Object value = stack.pop();
          Object key = stack.pop();
          dicts.putAll(dict(stack.peek()), Arrays.asList(key, value));
        }
        case SETITEMS -> {
          List<Object> items = stack.popMark();
          dicts.putAll(dict(stack.peek()), items);
        }
        case GLOBAL -> stack.push(globals.resolve(in.line(), in.line()));
        case STACK_GLOBAL -> {
          Object name = stack.pop();
          Object module = stack.pop();
          if (!(module instanceof String m) || !(name instanceof String n)) {
            throw in.malformed("STACK_GLOBAL needs two strings");
          }
          stack.push(globals.resolve(m, n));
        }
        case REDUCE -> {
          Object args = stack.pop();
          Object callable = stack.pop();
          stack.push(globals.reduce(callable, args));
        }
        case NEWOBJ -> {
          Object args = stack.pop();
          Object cls = stack.pop();
          stack.push(globals.newObject(cls, args));
        }
        case BUILD -> {
          Object state = stack.pop();
          Object target = stack.peek();
          // torch.save stores a state dict's '_metadata' (module versions) as OrderedDict instance
          // state; plain values have no room for it, so it is dropped.
          if (!(target instanceof LinkedHashMap) || !(state == null || state instanceof Map)) {
            throw in.malformed("BUILD on " + describe(target) + " is not supported");
          }
        }
        case BINPERSID -> stack.push(storageIds.resolve(stack.pop()));
        case BINPUT -> stack.memoPut(in.u8());
        case LONG_BINPUT -> stack.memoPut(in.i32() & 0xFFFFFFFFL);
        case MEMOIZE -> stack.memoize();
        case BINGET -> stack.push(stack.memoGet(in.u8()));
        case LONG_BINGET -> stack.push(stack.memoGet(in.i32() & 0xFFFFFFFFL));
        default ->
            throw in.malformed("opcode " + Opcodes.name(op) + " is not supported in a checkpoint");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> dict(Object o) {
    if (!(o instanceof LinkedHashMap)) {
      throw in.malformed("SETITEM(S) needs a dict but found " + describe(o));
    }
    return (Map<Object, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object o) {
    if (!(o instanceof ArrayList)) {
      throw in.malformed("APPEND(S) needs a list but found " + describe(o));
    }
    return (List<Object>) o;
  }
}

package ai.noether.core.format.th;

import static ai.noether.core.format.th.PickleValues.describe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The globals a checkpoint pickle may name, and what applying each rebuilds. {@code GLOBAL} gives
 * only a marker of an allowed name ({@link TorchTypes#isAllowed}); {@code REDUCE} and {@code
 * NEWOBJ} of a marker build a plain value here: an {@code OrderedDict}, the description of a tensor
 * or parameter, a {@code torch.Size}. Nothing is ever loaded or called.
 */
final class AllowedGlobals {

  /** An allowed global, by {@code module.name}: a marker, never a callable. */
  record Global(String name) {
    @Override
    public String toString() {
      return name;
    }
  }

  private final PickleInput in;

  AllowedGlobals(PickleInput in) {
    this.in = in;
  }

  /**
   * The marker of {@code module.name}.
   *
   * @throws ForbiddenGlobalException if the name is outside the allowed set
   */
  Global resolve(String module, String name) {
    String qualified = module + "." + name;
    if (!TorchTypes.isAllowed(qualified)) {
      throw new ForbiddenGlobalException(
          in.file()
              + ": record "
              + in.record()
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

  /** NEWOBJ: only {@code OrderedDict} is instantiated so (protocol 2 pickles it that way). */
  Object newObject(Object cls, Object args) {
    if (!(cls instanceof Global g) || !g.name.equals(TorchTypes.ORDERED_DICT)) {
      throw in.malformed("NEWOBJ of " + describe(cls) + " is not supported");
    }
    return reduce(cls, args);
  }

  /** REDUCE: the value {@code callable(*args)} stands for. */
  Object reduce(Object callable, Object args) {
    if (!(callable instanceof Global g)) {
      throw in.malformed("REDUCE applies " + describe(callable) + ", which is not callable");
    }
    if (!(args instanceof List<?> a) || !(args instanceof PickleTuple)) {
      throw in.malformed("REDUCE of " + g + " needs an argument tuple, not " + describe(args));
    }
    switch (g.name) {
      case TorchTypes.ORDERED_DICT -> {
        if (!a.isEmpty()) {
          throw in.malformed(
              "collections.OrderedDict is rebuilt without arguments, not with " + a.size());
        }
        return new LinkedHashMap<>();
      }
      case TorchTypes.REBUILD_TENSOR_V2 -> {
        if (a.size() < 6
            || a.size() > 7
            || !(a.get(0) instanceof RestrictedUnpickler.Storage storage)) {
          throw in.malformed(
              g + " needs (storage, offset, size, stride, requires_grad, hooks[, metadata])");
        }
        return tensor(storage, a.get(1), a.get(2), a.get(3));
      }
      case TorchTypes.REBUILD_PARAMETER -> {
        if (a.size() != 3 || !(a.get(0) instanceof PendingTensor t)) {
          throw in.malformed(g + " needs (tensor, requires_grad, hooks)");
        }
        return t;
      }
      case TorchTypes.TORCH_SIZE -> {
        if (a.size() != 1 || !(a.get(0) instanceof List<?> dims)) {
          throw in.malformed(g + " needs one tuple of dimensions");
        }
        return new PickleTuple(new ArrayList<>(dims));
      }
      default -> throw in.malformed(g + " cannot be called here");
    }
  }

  /**
   * A tensor is only described here; it is checked and built once the tree is complete, when its
   * place in the tree (its name in error messages) is known and before any copy is allocated.
   */
  private PendingTensor tensor(
      RestrictedUnpickler.Storage storage,
      Object offsetValue,
      Object sizeValue,
      Object strideValue) {
    if (!(offsetValue instanceof Long offset) || offset < 0) {
      throw in.malformed(
          "tensor storage offset " + describe(offsetValue) + " is not a non-negative int");
    }
    long[] shape = longs(sizeValue, "size");
    long[] stride = longs(strideValue, "stride");
    if (shape.length != stride.length) {
      throw in.malformed(
          "tensor size "
              + Arrays.toString(shape)
              + " and stride "
              + Arrays.toString(stride)
              + " differ in length");
    }
    return new PendingTensor(storage, offset, shape, stride);
  }

  private long[] longs(Object value, String what) {
    if (!(value instanceof List<?> l)) {
      throw in.malformed("tensor " + what + " " + describe(value) + " is not a tuple of ints");
    }
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Long v) || v < 0) {
        throw in.malformed(
            "tensor " + what + " must hold non-negative ints, not " + describe(l.get(i)));
      }
      out[i] = v;
    }
    return out;
  }
}

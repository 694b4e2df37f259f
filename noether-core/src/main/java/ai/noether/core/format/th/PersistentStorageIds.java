package ai.noether.core.format.th;

import static ai.noether.core.format.th.PickleValues.describe;

import ai.noether.api.tensor.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves the persistent ids ({@code BINPERSID}) by which a pickle's tensors refer to their
 * storages, {@code ('storage', type, key, location, numel)}: each key is resolved once, and a key
 * used again must name the same dtype and size.
 */
final class PersistentStorageIds {
  private final PickleInput in;
  private final RestrictedUnpickler.StorageResolver storages;
  private final Map<String, RestrictedUnpickler.Storage> storageCache = new HashMap<>();

  PersistentStorageIds(PickleInput in, RestrictedUnpickler.StorageResolver storages) {
    this.in = in;
    this.storages = storages;
  }

  RestrictedUnpickler.Storage resolve(Object pid) {
    if (!(pid instanceof List<?> t)
        || t.size() != 5
        || !"storage".equals(t.get(0))
        || !(t.get(1) instanceof AllowedGlobals.Global type)
        || !(t.get(2) instanceof String key)
        || !(t.get(4) instanceof Long numel)) {
      throw in.malformed(
          "persistent id " + describe(pid) + " is not ('storage', type, key, location, numel)");
    }
    DType dtype = TorchTypes.storageDType(type.name());
    if (dtype == null) {
      throw in.malformed("persistent id names " + type + ", which is not a storage type");
    }
    RestrictedUnpickler.Storage cached = storageCache.get(key);
    if (cached != null) {
      if (cached.dtype() != dtype || cached.numel() != numel) {
        throw in.malformed(
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
      throw in.malformed("storage " + key + " has a negative size " + numel);
    }
    RestrictedUnpickler.Storage s = storages.resolve(key, dtype, numel);
    storageCache.put(key, s);
    return s;
  }
}

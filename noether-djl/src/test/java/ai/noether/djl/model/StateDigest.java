package ai.noether.djl.model;

import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** A SHA-256 over the keys, dtypes, shapes and bytes of a state dict, in order. */
public final class StateDigest {
  private StateDigest() {}

  public static String of(Map<String, HostTensor> stateDict) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      stateDict.forEach(
          (key, t) -> {
            sha.update(
                (key + t.dtype() + Arrays.toString(t.shape())).getBytes(StandardCharsets.UTF_8));
            for (ByteBuffer b : t.chunks()) {
              sha.update(b);
            }
          });
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What differs between two float32 state dicts, for failure messages: the keys present in only
   * one, and for each differing tensor the number of differing values and the largest absolute
   * difference. Empty when they are bit-identical.
   */
  public static String difference(
      Map<String, HostTensor> expected, Map<String, HostTensor> actual) {
    List<String> lines = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    for (String key : keys) {
      HostTensor e = expected.get(key);
      HostTensor a = actual.get(key);
      if (e == null || a == null) {
        lines.add(key + ": only in " + (e == null ? "actual" : "expected"));
      } else if (!Arrays.equals(e.shape(), a.shape()) || e.dtype() != a.dtype()) {
        lines.add(
            key
                + ": "
                + e.dtype()
                + Arrays.toString(e.shape())
                + " vs "
                + a.dtype()
                + Arrays.toString(a.shape()));
      } else {
        float[] x = e.toFloatArray();
        float[] y = a.toFloatArray();
        int differing = 0;
        double largest = 0;
        for (int i = 0; i < x.length; i++) {
          if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
            differing++;
            largest = Math.max(largest, Math.abs((double) x[i] - y[i]));
          }
        }
        if (differing > 0) {
          lines.add(
              key + ": " + differing + " of " + x.length + " values differ, by up to " + largest);
        }
      }
    }
    return String.join("\n", lines);
  }
}

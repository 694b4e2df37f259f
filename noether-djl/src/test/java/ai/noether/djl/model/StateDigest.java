package ai.noether.djl.model;

import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/** A SHA-256 over the keys, dtypes, shapes and bytes of a state dict, in order. */
public final class StateDigest {
  private StateDigest() {}

  public static String of(Map<String, HostTensor> stateDict) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      stateDict.forEach((key, t) -> {
        sha.update((key + t.dtype() + Arrays.toString(t.shape())).getBytes(StandardCharsets.UTF_8));
        for (ByteBuffer b : t.chunks()) {
          sha.update(b);
        }
      });
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

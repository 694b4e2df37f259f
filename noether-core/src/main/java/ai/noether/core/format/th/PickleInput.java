package ai.noether.core.format.th;

import ai.noether.api.checkpoint.CorruptCheckpointException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The bytes of one pickle record, read opcode by opcode. Every length an opcode declares is checked
 * against the bytes left before anything is made of it, and every error names the file, the record
 * and the byte where the opcode being read starts.
 */
final class PickleInput {
  private static final int INTERN_FROM_BYTES = 64;

  private final byte[] data;
  private final String file;
  private final String record;

  /**
   * Every long string read, by content: equal long strings become one instance, so comparing dict
   * keys stays an identity check, however often a hostile pickle makes two equal megabyte strings
   * meet as keys. Comparing short strings is cheap anyway, and they are most of a checkpoint.
   */
  private final Map<String, String> longStrings = new HashMap<>();

  private int pos;
  private int opStart;

  PickleInput(byte[] data, String file, String record) {
    this.data = data;
    this.file = file;
    this.record = record;
  }

  String file() {
    return file;
  }

  String record() {
    return record;
  }

  /** Reads the next opcode; errors from here on name the byte it starts at. */
  int opcode() {
    opStart = pos;
    return u8();
  }

  int u8() {
    if (pos >= data.length) {
      throw truncated();
    }
    return data[pos++] & 0xff;
  }

  int i32() {
    return u8() | (u8() << 8) | (u8() << 16) | (u8() << 24);
  }

  long i64() {
    return (i32() & 0xFFFFFFFFL) | ((long) i32() << 32);
  }

  /** A big-endian IEEE double, as BINFLOAT stores it. */
  double f64() {
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | u8();
    }
    return Double.longBitsToDouble(bits);
  }

  /**
   * Checks a length an opcode declares against the bytes left; a negative value is an unsigned
   * length beyond 2^63.
   */
  int declared(long n, String what) {
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

  /** A little-endian two's-complement integer of {@code n} {@link #declared} bytes. */
  Long longOfBytes(int n) {
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

  /** A string of {@code n} {@link #declared} bytes of strict UTF-8. */
  String utf8(int n) {
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

  /** The text up to the next newline (GLOBAL's operands). */
  String line() {
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

  CorruptCheckpointException malformed(String what) {
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

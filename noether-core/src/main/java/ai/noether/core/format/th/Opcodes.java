package ai.noether.core.format.th;

/** The pickle opcodes this package writes or reads (names as in CPython's {@code pickle.py}). */
final class Opcodes {
  private Opcodes() {}

  static final int MARK = '(';
  static final int STOP = '.';
  static final int POP = '0';
  static final int POP_MARK = '1';
  static final int DUP = '2';
  static final int BININT = 'J';
  static final int BININT1 = 'K';
  static final int BININT2 = 'M';
  static final int NONE = 'N';
  static final int BINPERSID = 'Q';
  static final int REDUCE = 'R';
  static final int BINUNICODE = 'X';
  static final int APPEND = 'a';
  static final int BUILD = 'b';
  static final int GLOBAL = 'c';
  static final int DICT = 'd';
  static final int EMPTY_DICT = '}';
  static final int APPENDS = 'e';
  static final int BINGET = 'h';
  static final int LONG_BINGET = 'j';
  static final int LIST = 'l';
  static final int EMPTY_LIST = ']';
  static final int BINPUT = 'q';
  static final int LONG_BINPUT = 'r';
  static final int SETITEM = 's';
  static final int TUPLE = 't';
  static final int EMPTY_TUPLE = ')';
  static final int SETITEMS = 'u';
  static final int BINFLOAT = 'G';
  // protocol 2
  static final int PROTO = 0x80;
  static final int NEWOBJ = 0x81;
  static final int TUPLE1 = 0x85;
  static final int TUPLE2 = 0x86;
  static final int TUPLE3 = 0x87;
  static final int NEWTRUE = 0x88;
  static final int NEWFALSE = 0x89;
  static final int LONG1 = 0x8a;
  static final int LONG4 = 0x8b;
  // protocol 4
  static final int SHORT_BINUNICODE = 0x8c;
  static final int BINUNICODE8 = 0x8d;
  static final int STACK_GLOBAL = 0x93;
  static final int MEMOIZE = 0x94;
  static final int FRAME = 0x95;

  /** A readable name for error messages. */
  static String name(int op) {
    return switch (op) {
      case 'B', 'C', 0x8e -> "BINBYTES (a bytes value)";
      case 0x8f, 0x90, 0x91 -> "EMPTY_SET/FROZENSET/ADDITEMS (a set)";
      case 0x92 -> "NEWOBJ_EX";
      case 0x96, 0x97, 0x98 -> "BYTEARRAY8/NEXT_BUFFER/READONLY_BUFFER (an out-of-band buffer)";
      case 'I', 'L', 'F', 'S', 'V', 'P', 'p', 'g', 'i', 'o' ->
          "'" + (char) op + "' (a text-protocol opcode)";
      default -> String.format("0x%02x", op);
    };
  }
}

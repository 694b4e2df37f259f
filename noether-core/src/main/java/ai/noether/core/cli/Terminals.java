package ai.noether.core.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether this process talks to an interactive terminal. */
public final class Terminals {
  private Terminals() {}

  /** True when standard input and output are an interactive terminal. */
  public static boolean isInteractive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      // From Java 22 on, System.console() may exist without a terminal; isTerminal() tells.
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true; // Java 17 to 21: a console exists only on a terminal.
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}

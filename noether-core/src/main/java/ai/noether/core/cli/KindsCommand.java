package ai.noether.core.cli;

import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.Registration;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code noether kinds}: every registered kind per category, with description and source. */
@Command(name = "kinds", mixinStandardHelpOptions = true,
    description = "Lists every component kind on the class path, by category, with its description and the jar it"
        + " comes from.")
final class KindsCommand implements Callable<Integer> {
  @ParentCommand NoetherCli cli;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ComponentRegistry registry = cli.registry();
    PrintWriter out = spec.commandLine().getOut();
    for (ComponentCategory category : ComponentCategory.values()) {
      List<Registration> registrations = registry.registrations(category);
      out.println(category.noun() + " (" + category.factoryType().getName() + ")");
      if (registrations.isEmpty()) {
        out.println("  none registered; " + category.standardModule() + " provides the standard ones");
      }
      int width = registrations.stream().mapToInt(r -> r.kind().length()).max().orElse(0);
      for (Registration r : registrations) {
        out.println("  " + r.kind() + " ".repeat(width - r.kind().length()) + "  "
            + (r.description().isEmpty() ? "(no description)" : r.description()) + "  [" + r.source() + "]");
      }
      out.println();
    }
    List<Registration> ignored = registry.ignored();
    if (!ignored.isEmpty()) {
      out.println("ignored (an earlier provider on the class path has the same kind)");
      for (Registration r : ignored) {
        out.println("  " + r.category().noun() + " '" + r.kind() + "': " + r.className() + "  [" + r.source() + "]");
      }
      out.println();
    }
    out.println("A kind is written as 'kind:' in a component block; a factory's fully qualified class name works too.");
    return NoetherCli.OK;
  }
}

package ai.noether.core.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.core.config.Suggestions;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.KindReference;
import ai.noether.core.registry.Registration;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code noether kinds}: every registered kind per category, with description and source; {@code
 * noether kinds <kind>}: one kind's keys with their types, defaults and documentation.
 */
@Command(
    name = "kinds",
    mixinStandardHelpOptions = true,
    description = {
      "Lists every component kind on the class path, by category, with its description and the jar it"
          + " comes from.",
      "With a KIND: that kind's keys, each with its type, its default (or 'required') and its"
          + " documentation."
    })
final class KindsCommand implements Callable<Integer> {
  @ParentCommand NoetherCli cli;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "KIND",
      description = "a registered kind (e.g. mlp, ema) or a factory class name")
  @Nullable
  String kind;

  @Override
  public Integer call() {
    ComponentRegistry registry = cli.registry();
    PrintWriter out = spec.commandLine().getOut();
    if (kind != null) {
      return describe(registry, out);
    }
    for (ComponentCategory<?, ?> category : ComponentCategory.values()) {
      List<Registration> registrations = registry.registrations(category);
      out.println(category.noun() + " (" + category.factoryType().getName() + ")");
      if (registrations.isEmpty()) {
        out.println(
            "  none registered; " + category.standardModule() + " provides the standard ones");
      }
      int width = registrations.stream().mapToInt(r -> r.kind().length()).max().orElse(0);
      for (Registration r : registrations) {
        out.println(
            "  "
                + r.kind()
                + " ".repeat(width - r.kind().length())
                + "  "
                + (r.description().isEmpty() ? "(no description)" : r.description())
                + "  ["
                + r.source()
                + "]");
      }
      out.println();
    }
    List<Registration> ignored = registry.ignored();
    if (!ignored.isEmpty()) {
      out.println("ignored (an earlier provider on the class path has the same kind)");
      for (Registration r : ignored) {
        out.println(
            "  "
                + r.category().noun()
                + " '"
                + r.kind()
                + "': "
                + r.className()
                + "  ["
                + r.source()
                + "]");
      }
      out.println();
    }
    out.println(
        "A kind is written as 'kind:' in a component block; a factory's fully qualified class name works too.");
    out.println("'noether kinds <kind>' lists a kind's keys, types, defaults and documentation.");
    return NoetherCli.OK;
  }

  private int describe(ComponentRegistry registry, PrintWriter out) {
    String kind = Objects.requireNonNull(this.kind, "kind");
    List<Registration> found = new ArrayList<>();
    Set<String> known = new TreeSet<>();
    for (ComponentCategory<?, ?> category : ComponentCategory.values()) {
      for (Registration r : registry.registrations(category)) {
        known.add(r.kind());
        if (r.kind().equals(kind) || r.className().equals(kind)) {
          found.add(r);
        }
      }
    }
    if (found.isEmpty()) {
      throw new ConfigException(
          "unknown kind '"
              + kind
              + "'."
              + Suggestions.didYouMean(kind, known)
              + " 'noether kinds' lists every kind on the class path.");
    }
    for (Registration r : found) {
      out.println(r.kind() + " (" + r.category().noun() + ")  [" + r.source() + "]");
      if (!r.description().isEmpty()) {
        out.println("  " + r.description());
      }
      out.println("  factory " + r.className() + ", config " + r.factory().configType().getName());
      List<KindReference> keys = KindReference.of(r);
      if (keys.isEmpty()) {
        out.println(
            "  keys: none besides kind"
                + (java.util.Map.class.isAssignableFrom(r.factory().configType())
                    ? " that the framework checks (it takes any mapping)"
                    : ""));
        out.println();
        continue;
      }
      int keyWidth = Math.max(3, keys.stream().mapToInt(k -> k.key().length()).max().orElse(0));
      int typeWidth = Math.max(4, keys.stream().mapToInt(k -> k.type().length()).max().orElse(0));
      int defaultWidth =
          Math.max(8, keys.stream().mapToInt(k -> defaultText(k).length()).max().orElse(0));
      out.println();
      out.println(
          "  "
              + pad("key", keyWidth)
              + "  "
              + pad("type", typeWidth)
              + "  "
              + pad("default", defaultWidth)
              + "  documentation");
      for (KindReference k : keys) {
        out.println(
            ("  "
                    + pad(k.key(), keyWidth)
                    + "  "
                    + pad(k.type(), typeWidth)
                    + "  "
                    + pad(defaultText(k), defaultWidth)
                    + "  "
                    + k.doc())
                .stripTrailing());
      }
      out.println();
    }
    return NoetherCli.OK;
  }

  private static String defaultText(KindReference k) {
    return k.required() ? "required" : k.defaultValue().isEmpty() ? "-" : k.defaultValue();
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }
}

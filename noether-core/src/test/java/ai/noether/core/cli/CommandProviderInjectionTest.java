package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.NoetherException;
import ai.noether.api.checkpoint.RunListing;
import ai.noether.api.cli.CommandContext;
import ai.noether.api.cli.CommandProvider;
import ai.noether.api.cli.ExitCodes;
import ai.noether.api.logger.HistoryReader;
import ai.noether.core.registry.ComponentRegistry;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@link CommandProvider}s listed in a plugin's services file are created by the process injector:
 * an {@code @Inject} constructor gets the framework's services, a public no-argument constructor
 * still works, and a provider that cannot be created stops the command line with a message naming
 * it.
 */
class CommandProviderInjectionTest {
  @TempDir Path dir;

  @Test
  void aProviderWithAnInjectConstructorGetsTheProcessInjectorsServices() throws Exception {
    Files.createDirectories(dir.resolve("runs/run-b/train"));
    Files.createDirectories(dir.resolve("runs/run-a/train"));
    Files.createDirectories(dir.resolve("runs/not a run id"));
    Files.createDirectories(dir.resolve("runs/.noether"));

    Result r = runWith(List.of(ListRunIdsProvider.class), "list-run-ids", "--output-dir", "runs");

    assertThat(r.err).isEmpty();
    assertThat(r.status).isEqualTo(ExitCodes.OK);
    assertThat(r.out).isEqualTo("run-a, run-b (history read by JsonlHistoryReader)\n");
  }

  @Test
  void providersComeAfterTheBuiltInCommandsInClassPathOrderWithOrWithoutInjection()
      throws Exception {
    List<String> names = new ArrayList<>();
    withRegistry(
        List.of(HelloProvider.class, ListRunIdsProvider.class),
        registry ->
            names.addAll(
                new NoetherCli(() -> registry, RunLauncher.unavailable(), dir)
                    .commandLine()
                    .getSubcommands()
                    .keySet()));

    assertThat(names).startsWith("train").endsWith("hello", "list-run-ids");
    assertThat(runWith(List.of(HelloProvider.class), "hello").out).isEqualTo("hello\n");
  }

  @Test
  void aProviderWhoseInjectionFailsIsNamedAndTheBuiltInCommandsStillWork() throws Exception {
    Result r = runWith(List.of(UnboundServiceProvider.class), "--version");

    assertThat(r.status).isEqualTo(ExitCodes.OK);
    assertThat(r.out).contains("noether ");
    assertThat(r.err)
        .startsWith(
            "noether: warning: cannot create the command provider "
                + UnboundServiceProvider.class.getName()
                + " (")
        .contains(AuditLog.class.getName())
        .contains(
            "a CommandProvider needs a public no-argument constructor or an @Inject constructor"
                + " whose parameters the Guice modules bind")
        .contains("the commands of other jars are left out until it is fixed")
        .doesNotContain("\tat ");
  }

  @Test
  void aCommandOfTheBrokenPluginIsUnknownAndTheWarningSaysWhy() throws Exception {
    Result r = runWith(List.of(UnboundServiceProvider.class), "audit");

    assertThat(r.status).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err)
        .contains("noether: warning: cannot create the command provider")
        .contains("Unmatched argument")
        .doesNotContain("\tat ");
  }

  @Test
  void aProviderWhoseConstructorThrowsIsAnErrorNamingItAndTheCause() throws Exception {
    withRegistry(
        List.of(ThrowingProvider.class),
        registry ->
            assertThatThrownBy(registry::commandProviders)
                .isInstanceOf(NoetherException.class)
                .hasMessageStartingWith(
                    "cannot create the command provider " + ThrowingProvider.class.getName())
                .hasMessageContaining("java.lang.IllegalStateException: the licence server is down")
                .hasRootCauseMessage("the licence server is down"));
  }

  private record Result(int status, String out, String err) {}

  private Result runWith(List<Class<?>> providers, String... args) throws Exception {
    Result[] result = new Result[1];
    withRegistry(
        providers,
        registry -> {
          StringWriter out = new StringWriter();
          StringWriter err = new StringWriter();
          int status =
              new NoetherCli(() -> registry, RunLauncher.unavailable(), dir)
                  .execute(new PrintWriter(out), new PrintWriter(err), args);
          result[0] =
              new Result(
                  status,
                  out.toString().replace(System.lineSeparator(), "\n"),
                  err.toString().replace(System.lineSeparator(), "\n"));
        });
    return result[0];
  }

  private interface RegistryUse {
    void accept(ComponentRegistry registry) throws Exception;
  }

  /**
   * Lists {@code providers} in a plugin directory's services file, as a plugin jar would, and uses
   * the registry of a class path with it.
   */
  private void withRegistry(List<Class<?>> providers, RegistryUse use) throws Exception {
    Path plugin = dir.resolve("plugin");
    Path services = plugin.resolve("META-INF/services/" + CommandProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(
        services,
        "# test providers\n"
            + String.join("\n", providers.stream().map(Class::getName).toList())
            + "\n");
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {plugin.toUri().toURL()}, getClass().getClassLoader())) {
      use.accept(ComponentRegistry.load(loader));
    }
  }

  /** Lists the run ids of {@code --output-dir} with the injected listing. */
  public static final class ListRunIdsProvider implements CommandProvider {
    private final RunListing listing;
    private final HistoryReader reader;

    @Inject
    public ListRunIdsProvider(RunListing listing, HistoryReader reader) {
      this.listing = listing;
      this.reader = reader;
    }

    @Override
    public Object newCommand(CommandContext context) {
      return new ListRunIdsCommand(context, listing, reader);
    }
  }

  @Command(name = "list-run-ids")
  static final class ListRunIdsCommand implements Callable<Integer> {
    private final CommandContext context;
    private final RunListing listing;
    private final HistoryReader reader;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--output-dir")
    String outputDir = CommandContext.DEFAULT_OUTPUT_DIR;

    ListRunIdsCommand(CommandContext context, RunListing listing, HistoryReader reader) {
      this.context = context;
      this.listing = listing;
      this.reader = reader;
    }

    @Override
    public Integer call() throws IOException {
      spec.commandLine()
          .getOut()
          .println(
              String.join(", ", listing.runIds(context.workingDir().resolve(outputDir)))
                  + " (history read by "
                  + reader.getClass().getSimpleName()
                  + ")");
      return ExitCodes.OK;
    }
  }

  /** A provider as plugins wrote them before injection: a public no-argument constructor. */
  public static final class HelloProvider implements CommandProvider {
    @Override
    public Object newCommand(CommandContext context) {
      return new HelloCommand();
    }
  }

  @Command(name = "hello")
  static final class HelloCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println("hello");
      return ExitCodes.OK;
    }
  }

  /** A service no Guice module binds. */
  public interface AuditLog {}

  public static final class UnboundServiceProvider implements CommandProvider {
    @Inject
    public UnboundServiceProvider(AuditLog log) {}

    @Override
    public Object newCommand(CommandContext context) {
      throw new AssertionError("never created");
    }
  }

  public static final class ThrowingProvider implements CommandProvider {
    public ThrowingProvider() {
      throw new IllegalStateException("the licence server is down");
    }

    @Override
    public Object newCommand(CommandContext context) {
      throw new AssertionError("never created");
    }
  }
}

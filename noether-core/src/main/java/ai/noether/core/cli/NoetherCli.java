package ai.noether.core.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.StageBusyException;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.cli.CommandContext;
import ai.noether.api.cli.CommandProvider;
import ai.noether.api.cli.ExitCodes;
import ai.noether.api.spi.VersionReporter;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.training.CheckpointSavesFailedException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code noether} command line: {@code train}, {@code resume}, {@code runs}, {@code config},
 * {@code kinds}, {@code verify}, {@code inspect}, {@code plot}, and the commands other modules add
 * through {@link CommandProvider} (such as {@code report}), to which this is their {@link
 * CommandContext}. See {@code docs/cli.md}.
 *
 * <p>Exit codes: {@value #OK} success, {@value #FAILURE} failure, {@value #USAGE} invalid usage or
 * configuration (the message names the file, line and key; no stack trace), {@value #INTERRUPTED}
 * training stopped by a signal after writing a resumable checkpoint, {@value #SAVES_FAILED}
 * training stopped because checkpoints could not be saved ({@code trainer.max_failed_saves} in a
 * row). A stage another process is training ({@link StageBusyException}) is refused with {@value
 * #USAGE}, like a fresh start into a stage that has checkpoints. 5 ({@code verify}): something does
 * not verify.
 */
@Command(
    name = "noether",
    mixinStandardHelpOptions = true,
    versionProvider = NoetherCli.Version.class,
    description = "Trains models with DJL and never loses training progress.",
    subcommands = {
      TrainCommand.class,
      ResumeCommand.class,
      RunsCommand.class,
      ConfigCommand.class,
      KindsCommand.class,
      VerifyCommand.class,
      InspectCommand.class,
      PlotCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure",
      "2:invalid usage or configuration",
      "3:training interrupted by a signal; a resumable checkpoint was written",
      "4:training stopped because checkpoint saves kept failing (a full disk); the message says what is needed",
      "5:noether verify found a checkpoint, manifest, file name or config.yaml that does not verify",
      "124:a graceful stop took longer than trainer.stop_timeout_seconds",
      "130:a second Ctrl+C ended the process at once"
    })
public final class NoetherCli implements Callable<Integer>, CommandContext {
  public static final int OK = ExitCodes.OK;
  public static final int FAILURE = ExitCodes.FAILURE;
  public static final int USAGE = ExitCodes.USAGE;
  public static final int INTERRUPTED = ExitCodes.INTERRUPTED;
  public static final int SAVES_FAILED = ExitCodes.SAVES_FAILED;

  private final Supplier<ComponentRegistry> registry;
  private final RunLauncher launcher;
  private final Path workingDir;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The command line of the {@code noether} launcher: the class path's plugins and launcher. */
  public NoetherCli() {
    this(ComponentRegistry::load, RunLauncher.fromClassPath(), Path.of("").toAbsolutePath());
  }

  /**
   * @param registry loads the component registry when the command line is built (its process
   *     injector creates the {@link CommandProvider}s); called once
   * @param launcher runs {@code train} and {@code resume}
   * @param workingDir what relative paths are resolved against
   */
  public NoetherCli(Supplier<ComponentRegistry> registry, RunLauncher launcher, Path workingDir) {
    this.registry = loadedOnce(registry);
    this.launcher = launcher;
    this.workingDir = workingDir.toAbsolutePath();
  }

  public static void main(String[] args) {
    // Before anything prints: log lines must not land in the middle of a progress bar.
    StatusLine.install();
    int status =
        new NoetherCli()
            .execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    System.exit(status);
  }

  /** Runs one command line, printing to {@code out} and {@code err}; returns the exit status. */
  public int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl;
    try {
      cl = commandLine();
    } catch (NoetherException e) {
      // A plugin whose Guice module, factory or command provider cannot be created must not take
      // --version, --help, runs or verify down with it: they go on without the other jars'
      // commands, and a command that needs the registry fails with the same message.
      err.println(
          "noether: warning: "
              + e.getMessage()
              + "; the commands of other jars are left out until it is fixed");
      err.flush();
      cl = new CommandLine(this);
    }
    HelpLayout.apply(cl);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConfigException || e instanceof StageBusyException) {
            err.println(e.getMessage());
            return USAGE;
          }
          if (e instanceof CheckpointSavesFailedException) {
            err.println(e.getMessage());
            return SAVES_FAILED;
          }
          if (e instanceof NoetherException) {
            err.println(e.getMessage());
            return FAILURE;
          }
          err.println("noether: unexpected failure; please report it with this trace:");
          e.printStackTrace(err);
          return FAILURE;
        });
    try {
      return cl.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * This command line's picocli model: the built-in commands, then those of every {@link
   * CommandProvider} on the class path (in class-path order, created by the registry's process
   * injector: {@link ComponentRegistry#commandProviders()}), which get this as their {@link
   * CommandContext}.
   *
   * @throws NoetherException naming the plugin when the registry or a provider cannot be created
   */
  public CommandLine commandLine() {
    CommandLine cl = new CommandLine(this);
    for (CommandProvider provider : registry().commandProviders()) {
      cl.addSubcommand(provider.newCommand(this));
    }
    return cl;
  }

  /** {@code load}'s registry, loaded on the first call and kept: one command line, one registry. */
  private static Supplier<ComponentRegistry> loadedOnce(Supplier<ComponentRegistry> load) {
    return new Supplier<>() {
      private @Nullable ComponentRegistry loaded;

      @Override
      public synchronized ComponentRegistry get() {
        ComponentRegistry r = loaded;
        if (r == null) {
          r = java.util.Objects.requireNonNull(load.get(), "the registry supplier returned null");
          loaded = r;
        }
        return r;
      }
    };
  }

  /** {@code noether} alone: shows the usage and fails. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  /** The component registry. */
  public ComponentRegistry registry() {
    return registry.get();
  }

  RunLauncher launcher() {
    return launcher;
  }

  /**
   * What relative paths of a command line are resolved against: the process's working directory, or
   * the directory a test or an embedding program gave.
   */
  @Override
  public Path workingDir() {
    return workingDir;
  }

  @Override
  public StoreLocation storeLocation(String outputDir) {
    return StoreArguments.location(this, outputDir);
  }

  @Override
  public CheckpointStore openStore(StoreLocation location) {
    return StoreArguments.open(this, location);
  }

  RunConfigLoader loader() {
    return new RunConfigLoader(workingDir, ai.noether.core.config.RunIds::next)
        .withBlockCheck(registry().blockCheck());
  }

  /**
   * The version of the jar this class came from (Maven writes it into the jar's {@code
   * pom.properties}), then what every {@link VersionReporter} on the class path adds: DJL's and the
   * engine's versions, and Java's.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      java.util.List<String> lines = new java.util.ArrayList<>();
      lines.add("noether " + noetherVersion());
      for (VersionReporter reporter : java.util.ServiceLoader.load(VersionReporter.class)) {
        try {
          lines.addAll(reporter.versions());
        } catch (RuntimeException | LinkageError e) {
          lines.add(reporter.getClass().getSimpleName() + ": unavailable (" + e + ")");
        }
      }
      lines.add(
          "Java "
              + System.getProperty("java.version")
              + " ("
              + System.getProperty("java.vm.name")
              + ")");
      return lines.toArray(String[]::new);
    }

    static String noetherVersion() {
      String v = NoetherCli.class.getPackage().getImplementationVersion();
      if (v == null) {
        try (java.io.InputStream in =
            NoetherCli.class.getResourceAsStream(
                "/META-INF/maven/ai.noether/noether-core/pom.properties")) {
          if (in != null) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            v = p.getProperty("version");
          }
        } catch (java.io.IOException e) {
          // fall through: no version recorded
        }
      }
      return v == null ? "(development build: classes not from a jar)" : v;
    }
  }
}

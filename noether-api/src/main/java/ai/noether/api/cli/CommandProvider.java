package ai.noether.api.cli;

/**
 * Adds a subcommand to {@code noether} from another jar (e.g. {@code report} from
 * noether-callbacks), listed in {@code META-INF/services/ai.noether.api.cli.CommandProvider} (the
 * {@link java.util.ServiceLoader} format). Commands are listed after the built-in ones, in
 * class-path order.
 *
 * <p>The process injector creates the provider, so it may take the framework's services through an
 * {@code @Inject} constructor ({@code jakarta.inject.Inject}): {@link
 * ai.noether.api.logger.HistoryReader}, {@link ai.noether.api.checkpoint.RunListing}, and whatever
 * a Guice module of the class path binds. A provider without one needs a public no-argument
 * constructor. A provider that cannot be created stops the command line with a message naming it.
 */
public interface CommandProvider {

  /**
   * A new command object: an instance of a class annotated with picocli's {@code @Command}, whose
   * name is the subcommand's name, and which implements {@code Callable<Integer>} returning one of
   * the {@link ExitCodes}. A {@link ai.noether.api.ConfigException} it throws is printed without a
   * trace and exits with {@link ExitCodes#USAGE}, any other {@link ai.noether.api.NoetherException}
   * with {@link ExitCodes#FAILURE}.
   *
   * @param context what the command line gives its commands; never null
   */
  Object newCommand(CommandContext context);
}

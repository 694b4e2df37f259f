package ai.noether.api.cli;

/**
 * Adds a subcommand to {@code noether} from another jar (e.g. {@code report} from
 * noether-callbacks), found with {@link java.util.ServiceLoader} through {@code
 * META-INF/services/ai.noether.api.cli.CommandProvider}. Commands are listed after the built-in
 * ones, in class-path order.
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

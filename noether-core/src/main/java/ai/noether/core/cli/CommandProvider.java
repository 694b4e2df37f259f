package ai.noether.core.cli;

/**
 * Adds a subcommand to {@code noether} from another module (e.g. {@code plot} from
 * noether-callbacks), found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/ai.noether.core.cli.CommandProvider}.
 *
 * <p>The command is a picocli command object (a class annotated with {@code @Command} whose name
 * is the subcommand's name); it may declare a {@code @ParentCommand NoetherCli} field.
 */
public interface CommandProvider {

  /** A new command object. */
  Object newCommand();
}

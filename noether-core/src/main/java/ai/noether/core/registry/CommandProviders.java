package ai.noether.core.registry;

import ai.noether.api.NoetherException;
import ai.noether.api.cli.CommandProvider;
import ai.noether.core.inject.GuiceMessages;
import com.google.inject.ConfigurationException;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CommandProvider}s of the class path, created by the process injector: every class
 * listed in a {@code META-INF/services/ai.noether.api.cli.CommandProvider} file (in class-path
 * order, read as {@link ServicesFiles} reads factories), so that a provider may have an
 * {@code @Inject} constructor taking what the Guice modules bind (a public no-argument one still
 * works).
 */
final class CommandProviders {
  private static final Logger LOG = LoggerFactory.getLogger(CommandProviders.class);

  private CommandProviders() {}

  /**
   * Creates the providers visible to {@code classLoader} through {@code injector}.
   *
   * @throws NoetherException naming the services file's jar and the provider class when a listed
   *     class cannot be loaded or created
   */
  static List<CommandProvider> create(ClassLoader classLoader, Injector injector) {
    List<CommandProvider> providers = new ArrayList<>();
    for (ServicesFiles.Listed listed : ServicesFiles.read(classLoader, CommandProvider.class)) {
      providers.add(instantiate(listed, injector));
      LOG.debug("command provider {} listed in {}", listed.type().getName(), listed.servicesFile());
    }
    return providers;
  }

  private static CommandProvider instantiate(ServicesFiles.Listed listed, Injector injector) {
    Class<?> type = listed.type();
    String problem;
    Throwable cause;
    try {
      return (CommandProvider) injector.getInstance(type);
    } catch (ConfigurationException e) {
      problem = GuiceMessages.of(e.getErrorMessages());
      cause = e;
    } catch (ProvisionException e) {
      // What the constructor threw, when that is all that went wrong.
      Throwable thrown = e.getCause();
      if (thrown != null && e.getErrorMessages().size() == 1) {
        problem = thrown.toString();
        cause = thrown;
      } else {
        problem = GuiceMessages.of(e.getErrorMessages());
        cause = e;
      }
    } catch (RuntimeException | LinkageError e) {
      problem = e.toString();
      cause = e;
    }
    throw new NoetherException(
        "cannot create the command provider "
            + type.getName()
            + " ("
            + listed.source()
            + "): "
            + problem
            + "; a CommandProvider needs a public no-argument constructor or an @Inject"
            + " constructor whose parameters the Guice modules bind",
        cause);
  }
}

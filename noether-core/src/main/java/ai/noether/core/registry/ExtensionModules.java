package ai.noether.core.registry;

import ai.noether.api.NoetherException;
import ai.noether.core.inject.GuiceMessages;
import ai.noether.inject.NoetherModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Guice modules of a process: every {@link NoetherModule} listed in a {@code
 * META-INF/services/ai.noether.inject.NoetherModule} file of the class path (in class-path order,
 * read as {@link ServicesFiles} reads factories), then the modules a caller passes. They make the
 * process injector, which creates the factories; their {@link NoetherModule#runModule() run
 * modules} go into each run's injector.
 *
 * @param process the modules of the process injector, discovered ones first
 * @param run the run modules, in the same order
 * @param sources where each discovered module came from ({@code class (jar)}), for messages and
 *     logs
 */
record ExtensionModules(List<Module> process, List<Module> run, List<String> sources) {
  private static final Logger LOG = LoggerFactory.getLogger(ExtensionModules.class);

  /**
   * Finds the modules visible to {@code classLoader} and adds {@code extra}.
   *
   * @throws NoetherException naming the services file, class and jar of a module that cannot be
   *     loaded or created
   */
  static ExtensionModules discover(ClassLoader classLoader, Module... extra) {
    List<Module> process = new ArrayList<>();
    List<Module> run = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    for (ServicesFiles.Listed listed : ServicesFiles.read(classLoader, NoetherModule.class)) {
      NoetherModule module = instantiate(listed);
      process.add(module);
      run.add(module.runModule());
      sources.add(listed.type().getName() + " (" + listed.source() + ")");
      LOG.debug("Guice module {} listed in {}", listed.type().getName(), listed.servicesFile());
    }
    for (Module module : extra) {
      process.add(module);
      if (module instanceof NoetherModule noether) {
        run.add(noether.runModule());
      }
    }
    return new ExtensionModules(List.copyOf(process), List.copyOf(run), List.copyOf(sources));
  }

  /**
   * The process injector.
   *
   * @throws NoetherException listing Guice's problems and the modules that were installed
   */
  Injector createInjector() {
    try {
      return Guice.createInjector(process);
    } catch (CreationException e) {
      throw new NoetherException(
          "the Guice modules of the class path do not fit together: "
              + GuiceMessages.of(e.getErrorMessages())
              + ". Modules: "
              + (sources.isEmpty() ? "none listed" : String.join(", ", sources)),
          e);
    }
  }

  private static NoetherModule instantiate(ServicesFiles.Listed listed) {
    Class<?> type = listed.type();
    try {
      Constructor<?> constructor = type.getConstructor();
      if (Modifier.isAbstract(type.getModifiers())) {
        throw new NoSuchMethodException("abstract class");
      }
      return (NoetherModule) constructor.newInstance();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      Throwable cause =
          e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
      throw new NoetherException(
          "cannot create the Guice module "
              + type.getName()
              + " listed in "
              + listed.servicesFile()
              + " ("
              + listed.source()
              + "): "
              + cause
              + "; a NoetherModule needs a public no-argument constructor",
          cause);
    }
  }
}

package ai.noether.core.registry;

import ai.noether.api.NoetherException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code META-INF/services/<interface>} files exactly as {@link java.util.ServiceLoader} does
 * on the class path — every file the class loader finds, in class-path order, one class name per
 * line, {@code #} starting a comment, a class listed twice counted once — and loads the listed
 * classes without instantiating them.
 *
 * <p><b>Note:</b> the registry does not call {@code ServiceLoader.stream()} because on the class
 * path it refuses, already while listing, every provider without a public no-argument constructor;
 * factories may instead have an {@code @Inject} constructor for Guice.
 */
final class ServicesFiles {
  private ServicesFiles() {}

  /**
   * A class listed in a services file.
   *
   * @param type the loaded class; a subtype of the service
   * @param servicesFile the file that lists it
   * @param source the jar file name, or the class directory, that holds the services file
   */
  record Listed(Class<?> type, URL servicesFile, String source) {}

  /**
   * The classes listed for {@code service}, in class-path order.
   *
   * @throws NoetherException naming the services file and the class when a listed class cannot be
   *     loaded or does not implement the service
   */
  static List<Listed> read(ClassLoader loader, Class<?> service) {
    String name = "META-INF/services/" + service.getName();
    List<Listed> listed = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Enumeration<URL> files;
    try {
      files = loader.getResources(name);
    } catch (IOException e) {
      throw new NoetherException(
          "cannot list the " + name + " files of the class path: " + e.getMessage(), e);
    }
    while (files.hasMoreElements()) {
      URL file = files.nextElement();
      String source = sourceOf(file, name);
      for (String className : classNames(file, source, name)) {
        if (seen.add(className)) {
          listed.add(new Listed(load(loader, service, className, source, name), file, source));
        }
      }
    }
    return listed;
  }

  private static List<String> classNames(URL file, String source, String name) {
    List<String> names = new ArrayList<>();
    try (InputStream in = file.openStream();
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        int comment = line.indexOf('#');
        String className = (comment < 0 ? line : line.substring(0, comment)).strip();
        if (className.isEmpty()) {
          continue;
        }
        if (!isClassName(className)) {
          throw new NoetherException(
              name
                  + " in "
                  + source
                  + " line "
                  + number
                  + ": '"
                  + className
                  + "' is not a class name; list one fully qualified factory class name per line");
        }
        names.add(className);
      }
    } catch (IOException e) {
      throw new NoetherException(
          "cannot read " + name + " in " + source + ": " + e.getMessage(), e);
    }
    return names;
  }

  private static Class<?> load(
      ClassLoader loader, Class<?> service, String className, String source, String name) {
    Class<?> type;
    try {
      type = Class.forName(className, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new NoetherException(
          name
              + " in "
              + source
              + " lists "
              + className
              + ", but that class cannot be loaded ("
              + e
              + "); is a jar missing from the class path?",
          e);
    }
    if (!service.isAssignableFrom(type)) {
      throw new NoetherException(
          name
              + " in "
              + source
              + " lists "
              + className
              + ", which does not implement "
              + service.getName());
    }
    return type;
  }

  private static boolean isClassName(String s) {
    for (String part : s.split("\\.", -1)) {
      if (part.isEmpty()
          || !Character.isJavaIdentifierStart(part.charAt(0))
          || !part.chars().skip(1).allMatch(Character::isJavaIdentifierPart)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The jar file name ({@code noether-callbacks-0.1.0.jar}) or directory that holds a services
   * file.
   */
  static String sourceOf(URL file, String name) {
    String path = file.getPath();
    int bang = path.lastIndexOf("!/");
    if (bang >= 0) {
      String jar = path.substring(0, bang);
      return jar.substring(jar.lastIndexOf('/') + 1);
    }
    return path.endsWith("/" + name) ? path.substring(0, path.length() - name.length() - 1) : path;
  }
}

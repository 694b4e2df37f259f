package ai.noether.examples.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md names classes so that a newcomer can open them: every class it names in
 * backticks must exist, so a rename or a split that forgets the page fails here.
 */
class ArchitecturePageTest {
  private static final Path PAGE = CoreImportsTest.ROOT.resolve("docs/architecture.md");

  /** A backticked CamelCase word, optionally followed by a member: `Trainer`, `Trainer.run`. */
  private static final Pattern CLASS_NAME =
      Pattern.compile("`([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*)(?:\\.[A-Za-z]+(?:\\(\\))?)?`");

  /** Names the page uses for a plugin author's own classes, not ours. */
  private static final Set<String> EXAMPLES = Set.of("MyCallback");

  @Test
  void everyClassThePageNamesExists() throws IOException {
    Set<String> named = new TreeSet<>();
    Matcher m = CLASS_NAME.matcher(Files.readString(PAGE));
    while (m.find()) {
      named.add(m.group(1));
    }
    named.removeAll(EXAMPLES);
    Set<String> sources = javaClassNames();

    assertThat(named).hasSizeGreaterThan(100);
    assertThat(named)
        .as("classes docs/architecture.md names that no .java file of the tree declares")
        .allMatch(sources::contains);
  }

  @Test
  void theCheckFindsANameThatIsGone() throws IOException {
    Matcher m = CLASS_NAME.matcher("the `TrainerThatNeverExisted` and `Trainer.run`");
    Set<String> named = new TreeSet<>();
    while (m.find()) {
      named.add(m.group(1));
    }
    assertThat(named).containsExactly("Trainer", "TrainerThatNeverExisted");
    assertThat(javaClassNames()).contains("Trainer").doesNotContain("TrainerThatNeverExisted");
  }

  private static Set<String> javaClassNames() throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(CoreImportsTest.ROOT)) {
      walk.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
          .forEach(p -> names.add(p.getFileName().toString().replaceFirst("\\.java$", "")));
    }
    return names;
  }
}

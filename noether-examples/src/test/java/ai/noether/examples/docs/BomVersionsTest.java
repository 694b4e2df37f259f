package ai.noether.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code noether-bom} has no parent (so that importing it pins only our artifacts and the engine),
 * so its versions are written twice: this test keeps them equal to the parent pom's, and checks
 * that it lists every artifact module of the build.
 */
class BomVersionsTest {
  @Test
  void theBomPinsTheVersionsTheBuildUsesAndListsEveryArtifactModule() throws Exception {
    String parent = Files.readString(ConsumerProjectTest.ROOT.resolve("pom.xml"));
    String bom = Files.readString(ConsumerProjectTest.ROOT.resolve("noether-bom/pom.xml"));
    for (String property :
        List.of("djl.version", "pytorch.native.version", "pytorch.jni.version")) {
      assertThat(property(bom, property)).as(property).isEqualTo(property(parent, property));
    }
    assertThat(property(bom, "noether.version")).isEqualTo(ConsumerProjectTest.projectVersion());
    assertThat(bom).contains("<version>" + ConsumerProjectTest.projectVersion() + "</version>");
    Matcher modules = Pattern.compile("<module>(noether-[a-z0-9-]+)</module>").matcher(parent);
    while (modules.find()) {
      String module = modules.group(1);
      if (!module.equals("noether-bom") && !module.equals("noether-examples")) {
        assertThat(bom)
            .as("the BOM lists " + module)
            .contains("<artifactId>" + module + "</artifactId>");
      }
    }
  }

  private static String property(String pom, String name) {
    Matcher m =
        Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">")
            .matcher(pom);
    assertThat(m.find()).as(name + " in the pom").isTrue();
    return m.group(1);
  }
}

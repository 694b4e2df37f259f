package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class VersionTest {
  @Test
  void versionNamesNoetherDjlTheEngineAndJava() {
    StringWriter out = new StringWriter();
    int status =
        new NoetherCli()
            .execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "--version");

    assertThat(status).isEqualTo(NoetherCli.OK);
    assertThat(out.toString())
        .startsWith("noether ")
        .containsPattern("(?m)^DJL \\d+\\.\\d+\\.\\d+$")
        .containsPattern("(?m)^PyTorch \\d+\\.\\d+\\.\\d+$")
        .contains("Java " + System.getProperty("java.version"));
  }
}

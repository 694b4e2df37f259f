package ai.noether.initializers.mapping;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RenamePatternTest {

  @Test
  void anInvalidRegularExpressionIsReportedWithItsPosition() {
    assertThatThrownBy(() -> new RenamePattern("^layers.(\\d+", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "from '^layers.(\\d+' is not a valid regular expression: Unclosed group near position");
  }

  @Test
  void aGroupThatFromDoesNotHaveIsRejected() {
    assertThatThrownBy(() -> new RenamePattern("^(\\d+)\\.", "layers.$2."))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("to 'layers.$2.' refers to group $2 but from '^(\\d+)\\.' has only 1 group");
    assertThatThrownBy(() -> new RenamePattern("^0\\.", "layers.$1."))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("to 'layers.$1.' refers to group $1 but from '^0\\.' has no groups");
  }

  @Test
  void pythonStyleGroupReferencesAreRejectedWithTheJavaSpelling() {
    assertThatThrownBy(() -> new RenamePattern("^(\\d+)\\.", "layers.\\1."))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "to 'layers.\\1.' refers to a group as \\1 (Python's syntax); write $1 instead");
  }

  @Test
  void namedGroupsMustExist() {
    assertThatThrownBy(() -> new RenamePattern("^(?<idx>\\d+)\\.", "layers.${index}."))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "to 'layers.${index}.' refers to a group ${index} that from '^(?<idx>\\d+)\\.' does not define;"
                + " define it as (?<index>...)");
    assertThatCode(() -> new RenamePattern("^(?<idx>\\d+)\\.", "layers.${idx}."))
        .doesNotThrowAnyException();
  }

  @Test
  void aLoneDollarOrBackslashIsRejectedAndTheirEscapesAccepted() {
    assertThatThrownBy(() -> new RenamePattern("a", "cost$"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("write \\$ for a literal dollar sign");
    assertThatThrownBy(() -> new RenamePattern("a", "b\\"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ends with a lone \\");
    assertThatCode(() -> new RenamePattern("a", "\\$\\\\")).doesNotThrowAnyException();
  }

  @Test
  void bothPartsAreRequiredButToMayBeEmpty() {
    assertThatThrownBy(() -> new RenamePattern(null, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("from is missing");
    assertThatThrownBy(() -> new RenamePattern("^module\\.", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("to is missing for from '^module\\.'");
    assertThatCode(() -> new RenamePattern("^module\\.", "")).doesNotThrowAnyException();
  }
}

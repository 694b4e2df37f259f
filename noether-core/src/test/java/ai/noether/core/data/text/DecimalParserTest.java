package ai.noether.core.data.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DecimalParserTest {
  private static double parse(String s) {
    boolean[] valid = new boolean[1];
    double v = DecimalParser.parse("  " + s + " ", 2, 2 + s.length(), valid);
    return valid[0] ? v : Double.valueOf(-12345.678);
  }

  @Test
  void everyNumberParsesToTheDoubleThatDoubleParseDoubleGives() {
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 50_000; i++) {
      String s =
          switch (i % 5) {
            case 0 -> Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(-8, 12)));
            case 1 ->
                String.format(
                    "%." + random.nextInt(0, 9) + "f", (random.nextDouble() - 0.5) * 2000);
            case 2 -> Long.toString(random.nextLong(-1L << 53, 1L << 53));
            case 3 -> "0." + "0".repeat(random.nextInt(0, 25)) + random.nextInt(1, 100000);
            default -> random.nextInt(0, 1000) + "." + random.nextLong(0, Long.MAX_VALUE);
          };
      assertThat(parse(s)).as(s).isEqualTo(Double.parseDouble(s));
    }
    for (String s :
        List.of(
            "-0",
            "+5",
            "1.",
            ".5",
            "007.50",
            "1e-3",
            "-2.5E+10",
            "Infinity",
            "-inf",
            "NaN",
            "nan")) {
      double expected =
          s.equalsIgnoreCase("nan")
              ? Double.NaN
              : s.equalsIgnoreCase("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(s);
      assertThat(Double.valueOf(parse(s))).as(s).isEqualTo(Double.valueOf(expected));
    }
    assertThat(Double.doubleToRawLongBits(parse("-0"))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    for (String s : List.of("", ".", "-", "1.2.3", "x5", "5x", "1,5", "--1", "e5")) {
      assertThat(parse(s)).as("'%s' is not a number", s).isEqualTo(-12345.678);
    }
  }
}

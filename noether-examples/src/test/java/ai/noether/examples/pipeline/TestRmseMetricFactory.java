package ai.noether.examples.pipeline;

import ai.noether.api.metric.Direction;
import ai.noether.api.metric.Metric;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.MetricFactory;
import ai.noether.api.tensor.HostTensor;
import java.nio.ByteOrder;

/**
 * {@code kind: test-rmse}: root mean squared error of float32 predictions, accumulated batch by
 * batch; a test stand-in for the metric plugins. Found through the test services file.
 */
public final class TestRmseMetricFactory implements MetricFactory<Void> {
  @Override
  public String kind() {
    return "test-rmse";
  }

  @Override
  public Class<Void> configType() {
    return Void.class;
  }

  @Override
  public Metric create(Void config, ComponentContext context) {
    return new Metric() {
      @Override
      public String name() {
        return "test-rmse";
      }

      @Override
      public Direction direction() {
        return Direction.LOWER_IS_BETTER;
      }

      @Override
      public Accumulator newAccumulator() {
        return new Accumulator() {
          double sum;
          long n;

          @Override
          public void add(HostTensor predictions, HostTensor targets) {
            var p =
                predictions
                    .chunks()
                    .get(0)
                    .duplicate()
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer();
            var t =
                targets.chunks().get(0).duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            while (p.hasRemaining()) {
              double d = p.get() - t.get();
              sum += d * d;
              n++;
            }
          }

          @Override
          public double value() {
            return n == 0 ? Double.NaN : Math.sqrt(sum / n);
          }
        };
      }
    };
  }
}

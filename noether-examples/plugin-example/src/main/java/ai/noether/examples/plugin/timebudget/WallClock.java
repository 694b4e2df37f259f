package ai.noether.examples.plugin.timebudget;

import java.lang.management.ManagementFactory;
import java.time.Instant;

/** Where the time budget reads the time; tests pass a clock they move by hand. */
interface WallClock {

  /** The calendar time now, to place a deadline. */
  Instant now();

  /** A monotonic reading in nanoseconds, to measure durations; only differences mean anything. */
  long nanoTime();

  /** When this process started: about when a scheduler's time limit started counting. */
  Instant processStart();

  /** The system's clocks and the JVM's start time. */
  WallClock SYSTEM =
      new WallClock() {
        @Override
        public Instant now() {
          return Instant.now();
        }

        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public Instant processStart() {
          return Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        }
      };
}

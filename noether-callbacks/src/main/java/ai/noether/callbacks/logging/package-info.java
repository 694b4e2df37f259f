/**
 * What training tells the person watching it: {@code kind: progress} (a progress bar with ETA on an
 * interactive terminal, plain log lines otherwise) and {@code kind: lr-monitor} (the learning rate
 * logged as a metric at an interval).
 */
package ai.noether.callbacks.logging;

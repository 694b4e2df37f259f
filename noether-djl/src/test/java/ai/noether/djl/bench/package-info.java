/**
 * Benchmark main classes (not tests): they print measured figures side by side and assert nothing.
 * See {@code docs/performance.md} for how to run them.
 */
package ai.noether.djl.bench;

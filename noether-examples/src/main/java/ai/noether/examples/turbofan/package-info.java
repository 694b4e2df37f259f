/**
 * The turbofan remaining-useful-life example (seed 002): a simulated engine fleet written in NASA's
 * C-MAPSS file layout, and the {@code noether turbofan-data} command that writes it.
 */
package ai.noether.examples.turbofan;

/**
 * Metrics computed during evaluation, their direction (lower or higher is better) and the standard
 * metric keys.
 */
package ai.noether.api.metric;

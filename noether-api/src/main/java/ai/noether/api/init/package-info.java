/** Model initializers such as {@code previous-run}. */
package ai.noether.api.init;

/** Test doubles shared by the plugin's callback tests. */
package ai.noether.examples.plugin.testing;

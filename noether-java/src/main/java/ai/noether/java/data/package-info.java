/**
 * The {@code in-memory} dataset kind: a {@link ai.noether.api.data.DataSource} built in Java code
 * and handed to {@link ai.noether.java.NoetherConfig#dataset}, so that a program trains on data it
 * already holds without writing a dataset plugin.
 */
package ai.noether.java.data;

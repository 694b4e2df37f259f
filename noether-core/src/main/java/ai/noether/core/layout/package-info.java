/**
 * The local tree of runs under {@code output_dir}: {@link ai.noether.api.checkpoint.RunLayout} (in
 * the api, so that plugins can use it) names every file and directory of a stage, and {@link
 * ai.noether.core.layout.RunDirectories} is the one listing of the runs and stages found there,
 * used by the file store, {@code resume}, {@code runs} and {@code plot}, and served to plugins and
 * commands of other jars ({@code report}) as the api's {@code RunListing} by {@link
 * ai.noether.core.layout.LocalRunListing}. Nothing else spells a layout name ({@code
 * LayoutNamesTest} checks it).
 */
package ai.noether.core.layout;

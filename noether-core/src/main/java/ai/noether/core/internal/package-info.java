/** Small helpers shared by core's packages; not for plugins (use noether-api). */
package ai.noether.core.internal;

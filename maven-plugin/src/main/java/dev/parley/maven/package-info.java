/**
 * The parley-maven-plugin, which generates sources at build time. Filled by the plugin work.
 */
package dev.parley.maven;

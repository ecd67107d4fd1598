/**
 * Framing, buffers and connections for Parley protocols, with the JDK only. Filled by the runtime work.
 */
package dev.parley.runtime;

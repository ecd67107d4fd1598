/**
 * The Parley runtime: the {@link dev.parley.runtime.Protocol} contract that generated code
 * implements, the {@link dev.parley.runtime.FrameFormat} of a protocol's frames (Parley's length
 * prefix, or the {@link dev.parley.runtime.HeaderField header} of an existing protocol), the
 * {@link dev.parley.runtime.FrameReader} and {@link dev.parley.runtime.FrameWriter} that cut and
 * write them, the immutable {@link dev.parley.runtime.Bytes} value, and the
 * {@link dev.parley.runtime.ProtocolException} family for malformed input. Depends on the JDK
 * only. The helpers that generated code calls are in {@code dev.parley.runtime.internal}, which
 * is not API.
 */
package dev.parley.runtime;

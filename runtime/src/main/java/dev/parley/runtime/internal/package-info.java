/**
 * Not API. The helpers that generated codecs and record constructors call: the wire format's
 * primitive reads and writes, component checks, and the builder of the immutable lists that
 * decoders hand to records; {@link dev.parley.runtime.internal.TlsChannel}, the TLS engine
 * driver that the runtime's two transports share; and
 * {@link dev.parley.runtime.internal.DirectBuffers}, an event loop's store of direct buffers for
 * its connections' send queues.
 *
 * <p>Everything here may change or disappear in any release, without notice or deprecation, and
 * must not be called by user code: only code that Parley generates, compiled against the same
 * runtime version, and the runtime itself, may use it. Nothing here weakens a record: no method lets a caller keep a
 * reference to the array behind a list that a record holds.
 */
package dev.parley.runtime.internal;

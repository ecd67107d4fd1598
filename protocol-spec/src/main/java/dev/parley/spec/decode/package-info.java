/**
 * Decoding frames with a schema at run time, without generated code: {@link
 * dev.parley.spec.decode.SchemaDecoder} interprets the schema model and reads a frame body into an
 * immutable tree of {@link dev.parley.spec.decode.DecodedValue}s through the runtime's primitives,
 * which the generated decoders call too: the same checks with the same error messages;
 * {@link dev.parley.spec.decode.CaptureReader} cuts a
 * byte stream into frames; {@link dev.parley.spec.decode.TextFormat} and {@link
 * dev.parley.spec.decode.JsonFormat} render the frames. {@code parley decode} is built on them.
 */
package dev.parley.spec.decode;

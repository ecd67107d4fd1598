/**
 * Non-blocking connections: one {@link dev.parley.runtime.nio.EventLoop} thread with a
 * {@link java.nio.channels.Selector} serves many connections, accepting, reading, decoding,
 * dispatching to each connection's {@link dev.parley.runtime.Handler}, and writing queued frames as the
 * peers take them. An {@link dev.parley.runtime.nio.EventLoopGroup} is several such loops serving as
 * one, each connection bound to one of them.
 */
package dev.parley.runtime.nio;

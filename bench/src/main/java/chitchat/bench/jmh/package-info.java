/**
 * JMH micro-benchmarks of the chat-server's hot path, run by {@code make jmh} ({@code bench/jmh.sh}): what every
 * message costs the server before any I/O. {@link chitchat.bench.jmh.FramesBenchmark} parses a client frame and
 * writes the server's frames; {@link chitchat.bench.jmh.TokensBenchmark} verifies a JWT (every WebSocket handshake
 * and every history request); the fan-out benchmark, {@code chitchat.chat.ws.FanOutBenchmark}, lives in the
 * registry's package because it needs the package-private way to register a connection.
 *
 * <p>Defaults are short (a few one-second iterations, one fork) so the whole set takes about a minute; pass JMH's
 * own flags to {@code bench/jmh.sh} for longer runs, e.g. {@code -wi 5 -i 10 -f 2}.
 */
package chitchat.bench.jmh;

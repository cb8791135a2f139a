/**
 * The Chit-Chat load tool: what {@code make bench} runs against a real topology (one auth-server, two
 * chat-servers, Redis, the store) that {@code bench/run.sh} starts on loopback.
 *
 * <p>It answers the three questions people ask of a chat backend, each in one scenario, and a fourth for scale:
 * <ul>
 *   <li>{@link chitchat.bench.ThroughputScenario} - how many messages per second, and how fast: an open-loop
 *       constant rate, stepped up until p99 passes the limit or a message is lost. Latency counts from each
 *       message's <em>scheduled</em> send time, so a stalled server cannot hide its stall by slowing the
 *       sender down (no coordinated omission). Bookkeeping per step is {@link chitchat.bench.Step}. Two ladders:
 *       messages only, and with browser-like marks and typing ({@link chitchat.bench.BrowserMarks}).</li>
 *   <li>{@link chitchat.bench.ColdScenario} - what freshly started servers do when the full load arrives at once,
 *       window by window ({@link chitchat.bench.Windows}).</li>
 *   <li>{@link chitchat.bench.GroupScenario} - fan-out: a 256-member group over both instances.</li>
 *   <li>{@link chitchat.bench.ConnectionsScenario} - how many people connected: idle authenticated
 *       WebSockets from several 127.0.0.x source addresses, and the server's heap and RSS per connection.</li>
 *   <li>{@link chitchat.bench.HistoryScenario} - how fast history loads: a 100,000-message conversation,
 *       pages at its newest and its oldest end.</li>
 *   <li>{@link chitchat.bench.RedisCeiling} - raw Redis PUBLISH rate ({@code redis-benchmark}), the ceiling for
 *       delivery across instances on this machine.</li>
 * </ul>
 *
 * <p>The parts they share: {@link chitchat.bench.Options} (flags), {@link chitchat.bench.Api} (sign-up, history,
 * metrics over HTTP), {@link chitchat.bench.ChatClient} (a Java-WebSocket client on a virtual thread, bound to a
 * chosen source address), {@link chitchat.bench.Latency} (HdrHistogram summaries), {@link chitchat.bench.ServerProbe}
 * (CPU, RSS and heap of the server processes), {@link chitchat.bench.LoadClients} (one scenario's connected users
 * and the matching of frames to steps), {@link chitchat.bench.Costs} (CPU and store round trips per delivered
 * message), {@link chitchat.bench.JfrProfile} (an optional recording of chat1), {@link chitchat.bench.Report} and
 * {@link chitchat.bench.ReportTables} (the JSON and the tables) and
 * {@link chitchat.bench.Chart} (the HTML chart). {@link chitchat.bench.Bench} runs it all.
 *
 * <p>The load tool speaks only the wire protocol ({@code docs/PROTOCOL.md}), with two declared shortcuts: the
 * history scenario writes its 100,000 messages straight into the store in the contract's document shape (the
 * WebSocket path is what the throughput scenario measures), and the connections scenario signs its own tokens
 * with the run's {@code JWT_SECRET} (10,000 bcrypt sign-ups would take minutes and measure bcrypt).
 */
package chitchat.bench;

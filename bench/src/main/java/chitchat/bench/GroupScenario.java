package chitchat.bench;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Group fan-out: one group of {@code --group-members} (256, the default {@code MAX_GROUP_MEMBERS}, creator
 * included), its members connected round-robin to both instances, and {@code --group-rate} messages a second (20)
 * written into it by {@code --group-senders} of them (4). Each message goes to every member but its sender, so 20
 * msg/s are 5,100 deliveries a second, half of them on the instance that did not store the message.
 *
 * <p>The group is created through the API ({@code POST /api/conversations}, kind group), as a client would. A
 * delivery is counted per message and receiver (a receiver's slot is its index among the members), so a member
 * who misses a message shows up as lost even when everyone else got it. CPU is divided by deliveries, not
 * messages: fan-out is what this measures. A short warm-up at the same rate is not reported.
 */
final class GroupScenario {

    record Result(String conversation, int members, int instances, int senders, int offeredMessagesPerSec,
                  int offeredDeliveriesPerSec, ThroughputScenario.StepResult step, int clientsClosed,
                  Map<String, Long> closeCodes) {
    }

    private static final String TEXT = "fan-out to the whole group, message ";

    private final Options options;
    private final List<Api.User> members;
    private final Api api;
    private final Costs costs;

    GroupScenario(Options options, List<Api.User> members, Api api) {
        this.options = options;
        this.members = members;
        this.api = api;
        this.costs = new Costs(options, api);
    }

    Result run() throws Exception {
        Options.Load load = options.load();
        String conversation = create();
        int senders = Math.min(load.groupSenders(), members.size());
        try (LoadClients clients = new LoadClients(members, true).connect(options.chatWs(), options.sourceAddresses())) {
            double warmup = Math.min(3, options.warmupSeconds());
            if (warmup > 0) {
                runStep(clients, conversation, senders, warmup, true);
            }
            Costs.Reading before = costs.read();
            Step step = runStep(clients, conversation, senders, load.groupSeconds(), false);
            Costs.Delta cost = costs.between(before, costs.read(), step.delivered.get(), step.acked.get());
            ThroughputScenario.StepResult r = ThroughputScenario.result(step, load.groupSeconds(), cost, Map.of(), options.p99LimitMs());
            return new Result(conversation, members.size(), options.chatWs().size(), senders, load.groupRate(),
                    load.groupRate() * (members.size() - 1), r, clients.closed(), clients.closeCodes());
        }
    }

    /** Creates the group as its first member, with all the others; answers its id. */
    private String create() {
        StringBuilder names = new StringBuilder();
        for (Api.User u : members.subList(1, members.size())) {
            names.append(names.isEmpty() ? "" : ",").append('"').append(u.name()).append('"');
        }
        String body = "{\"kind\":\"group\",\"name\":\"bench fan-out\",\"members\":[" + names + "]}";
        HttpResponse<String> response = api.post(options.chatHttp().getFirst() + "/api/conversations", members.getFirst().token(), body);
        String id = FrameFields.get(response.body(), "id");
        if (response.statusCode() != 201 || id == null) {
            throw new IllegalStateException("creating the group answered " + response.statusCode() + ": " + response.body());
        }
        return id;
    }

    private Step runStep(LoadClients clients, String conversation, int senders, double seconds, boolean warmup) throws InterruptedException {
        int n = members.size();
        Step step = new Step(clients.steps.size(), options.load().groupRate(), warmup, seconds, System.nanoTime() + 20_000_000L, n, n - 1, 0);
        clients.steps.add(step);
        for (int seq = 0; seq < step.planned; seq++) {
            long due = step.dueNanos(seq);
            for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
                LockSupport.parkNanos(due - now);
            }
            String frame = "{\"type\":\"chat msg\",\"conversation\":\"" + conversation + "\",\"message\":\"" + TEXT + seq
                    + "\",\"clientMsgId\":\"" + step.clientMsgId(seq, clients.epochNanos) + "\"}";
            clients.send(step, seq, due, clients.client(seq % senders), frame);
        }
        long drainDeadline = step.endNanos() + (long) (options.drainSeconds() * 1e9);
        while (!step.settled() && System.nanoTime() < drainDeadline) {
            Thread.sleep(10);
        }
        return step;
    }
}

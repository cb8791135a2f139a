package chitchat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * What every fault test shares: one {@link Topology} of its own, the devices it connected, and, whatever the
 * outcome, everything stopped afterwards and the processes' logs checked for secrets.
 */
abstract class FaultTest {

    protected Topology topology;
    protected final List<Device> devices = new ArrayList<>();

    /** A device of {@code user} connected to instance {@code i}. */
    protected Device connect(String user, int i) {
        Device device = new Device(topology, user);
        devices.add(device);
        return device.connect(topology.instance(i));
    }

    /**
     * The delivery promise, counted: once the devices' acks and catch-ups have settled, every device shows every
     * acked message addressed to its user (live or caught up), shows nothing that is not stored, and was sent no
     * message twice on one connection. Returns the acked messages, for further checks.
     */
    protected Map<Device.Sent, Device.Ack> assertEveryAckedMessageShownOnce(StoredMessages stored) {
        Waits.await("catch-ups finished", Duration.ofSeconds(30), () -> devices.stream().allMatch(d -> d.caughtUp(0)), devices::toString);
        Map<Device.Sent, Device.Ack> acked = Device.acked(devices);
        Waits.until(Duration.ofSeconds(10), () -> devices.stream().allMatch(d -> Device.missing(d, acked).isEmpty()));
        List<String> failures = new ArrayList<>();
        for (Device d : devices) {
            List<String> missing = Device.missing(d, acked);
            if (!missing.isEmpty()) {
                failures.add(d.user() + " never shows " + missing.size() + " acked message(s): " + missing);
            }
            d.problems().forEach(p -> failures.add(d.user() + ": " + p));
            d.shown().stream().filter(id -> !stored.containsId(id)).forEach(id -> failures.add(d.user() + " shows " + id + ", which is not stored"));
        }
        assertEquals(List.of(), failures, "every acked message is shown once by every device of its receiver");
        return acked;
    }

    @AfterEach
    void stopEverythingAndCheckLogs() {
        devices.forEach(d -> {
            try {
                d.close();
            } catch (RuntimeException ignored) {
                // the server may be gone already
            }
        });
        if (topology != null) {
            topology.close();
            topology.assertNoSecretsInLogs();
        }
    }
}

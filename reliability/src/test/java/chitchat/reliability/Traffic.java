package chitchat.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Steady chat between devices: each sender sends one message per {@code period} to its receivers in turn, on its
 * own virtual thread, whether or not it is connected at that moment (a disconnected app keeps what is typed for
 * a re-send), until {@link #stop}.
 */
final class Traffic implements AutoCloseable {

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger sent = new AtomicInteger();
    private volatile boolean running = true;

    Traffic(Map<Device, List<String>> receivers, Duration period) {
        receivers.forEach((device, to) -> threads.add(Thread.ofVirtual().name("traffic-" + device.user()).start(() -> {
            for (int n = 0; running; n++) {
                device.send(to.get(n % to.size()), "message " + n + " from " + device.user());
                sent.incrementAndGet();
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
            }
        })));
    }

    int sent() {
        return sent.get();
    }

    void stop() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}

package chitchat.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for the processes a test starts, taken below the kernel's ephemeral range when it can: a
 * port from that range, free when chosen, may become the local port of any outgoing connection (a benchmark
 * running beside the tests opens thousands) before the process binds it. Starters still retry on a lost race.
 */
final class Ports {

    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();
    private static final int LOWEST = 15_000;

    private Ports() {
    }

    static int free() {
        int ephemeralStart = ephemeralStart();
        for (int attempt = 0; attempt < 200 && ephemeralStart - LOWEST > 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
            if (!GIVEN.contains(port) && canBind(port) && GIVEN.add(port)) {
                return port;
            }
        }
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The first port of Linux's ephemeral range, or 0 when unknown (then every port is taken from the kernel). */
    private static int ephemeralStart() {
        try {
            // readAllLines, not readString: the JDK reads a /proc file (size 0) as its first byte only
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}

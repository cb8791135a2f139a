package chitchat.config;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The process's file-descriptor budget, and how it is shared between listeners.
 *
 * <p>Every socket is a descriptor, and a process that runs out of them fails in the worst places: an
 * {@code accept} that fails with "too many open files" makes Java-WebSocket close its listening socket for good,
 * and the store and Redis clients can no longer connect. So each listener gets a cap that keeps the total below
 * the limit with {@link #HEADROOM} to spare for everything else (store and broker connections, jars, logs):
 * WebSockets three quarters of what remains, HTTP a quarter. On this machine's limit of 20,000 that is 14,232 and
 * 4,744. A cap set by hand must fit too, or the process refuses to start.
 */
public final class FileDescriptors {

    /** Descriptors kept free for the process's own files and client connections. */
    public static final int HEADROOM = 1024;

    private FileDescriptors() {
    }

    /** The process's limit on open descriptors ({@code ulimit -n}), or 4096 where the JVM cannot tell. */
    public static long limit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0) {
            return unix.getMaxFileDescriptorCount();
        }
        return 4096;
    }

    /** Descriptors open now, or -1 where the JVM cannot tell. */
    public static long open() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
    }

    /** What sockets may use in all: the limit less the headroom (at least 128). */
    static long forSockets() {
        return Math.max(128, Math.min(Integer.MAX_VALUE, limit()) - HEADROOM);
    }

    /** The default cap on open WebSockets: three quarters of {@link #forSockets()}. */
    public static int defaultWebSocketCap() {
        return (int) (forSockets() * 3 / 4);
    }

    /** The default cap on open HTTP connections: a quarter of {@link #forSockets()}. */
    public static int defaultHttpCap() {
        return (int) (forSockets() / 4);
    }

    /** Fails fast when caps chosen by hand would let sockets use descriptors the process does not have. */
    public static void checkFits(String variable, int cap, int othersCap) {
        if ((long) cap + othersCap > forSockets()) {
            throw new ConfigException(variable + "=" + cap + " does not fit: with the other listener's " + othersCap
                    + ", sockets could need more than the " + forSockets() + " file descriptors this process can spare (ulimit -n is "
                    + limit() + "); lower it or raise the limit");
        }
    }
}

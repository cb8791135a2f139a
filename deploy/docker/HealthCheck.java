import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * The containers' health probe: exits 0 when {@code GET http://127.0.0.1:<port>/healthz} answers 200.
 *
 * <p>The runtime images hold no shell, curl or wget (a jlink'd JDK on distroless), so Docker's
 * {@code HEALTHCHECK} runs this class on the image's own {@code java}. It costs one short JVM start
 * (about 0.1 s of CPU) per check. The port is {@code HTTP_PORT} when the container sets it, else the
 * first argument (the service's default port from the contract).
 *
 * <p>{@code HealthCheck --tcp <port>} only opens a TCP connection to that port: for the embedded store
 * ({@code chitchat.store.EmbeddedMongoMain}), which speaks MongoDB's protocol, not HTTP, and listens only
 * once its data file is open.
 */
public final class HealthCheck {
    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals("--tcp")) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])), 2_000);
                System.out.println("tcp " + args[1] + " open");
                System.exit(0);
            } catch (Exception e) {
                System.out.println("tcp " + args[1] + " unreachable: " + e);
                System.exit(1);
            }
        }
        String port = System.getenv().getOrDefault("HTTP_PORT", args.length > 0 ? args[0] : "8080");
        try {
            var connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/healthz").toURL().openConnection();
            connection.setConnectTimeout(2_000);
            connection.setReadTimeout(3_000);
            int status = connection.getResponseCode();
            System.out.println("healthz " + status);
            System.exit(status == 200 ? 0 : 1);
        } catch (Exception e) {
            System.out.println("healthz unreachable: " + e);
            System.exit(1);
        }
    }
}

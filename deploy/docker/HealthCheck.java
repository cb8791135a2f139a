import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The containers' health probe: exits 0 when {@code GET http://127.0.0.1:<port>/healthz} answers 200.
 *
 * <p>The runtime images hold no shell, curl or wget (a jlink'd JDK on distroless), so Docker's
 * {@code HEALTHCHECK} runs this class on the image's own {@code java}. It costs one short JVM start
 * (about 0.1 s of CPU) per check. The port is {@code HTTP_PORT} when the container sets it, else the
 * first argument (the service's default port from the contract).
 */
public final class HealthCheck {
    public static void main(String[] args) {
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

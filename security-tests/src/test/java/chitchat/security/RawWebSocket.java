package chitchat.security;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * A WebSocket client on a bare socket, for what an attacker does and a library client will not: frames without
 * FIN that never end, unmasked frames, floods of pings, and never reading what the server sends. No threads.
 */
final class RawWebSocket implements Closeable {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** A frame from the server. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or 1005 (none given). */
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects and completes a browser-like handshake (cookie and Origin, plus any extra header lines);
     * {@code receiveBuffer} > 0 shrinks the receive buffer, so a client that does not read stalls the server soon.
     */
    static RawWebSocket open(TestSite site, String token, int receiveBuffer, String... extraHeaders) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress("127.0.0.1", site.wsPort()), 5000);
        RawWebSocket ws = new RawWebSocket(socket);
        try {
            ws.handshake(site, token, extraHeaders);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return ws;
    }

    private void handshake(TestSite site, String token, String... extraHeaders) throws IOException {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        StringBuilder request = new StringBuilder("GET /ws HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(site.wsPort()).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(key)).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n")
                .append("Origin: ").append(site.origin()).append("\r\n")
                .append("Cookie: token=").append(token).append("\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("handshake refused: connection closed after " + head.size() + " bytes");
            }
            head.write(b);
        }
        String status = head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
        if (!status.contains(" 101 ")) {
            throw new IOException("handshake refused: " + status);
        }
    }

    /** Sends one frame; {@code masked} false breaks RFC 6455 (clients must mask). */
    void send(int opcode, boolean fin, boolean masked, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            throw new IllegalArgumentException("frame too large for this client");
        }
        if (masked) {
            byte[] mask = new byte[4];
            RANDOM.nextBytes(mask);
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
        } else {
            frame.write(payload);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    void sendText(String text) throws IOException {
        send(TEXT, true, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next frame, or null when none arrives within {@code wait}; EOF when the server closed the socket. */
    Frame read(Duration wait) throws IOException {
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        try {
            int b0 = readByte();
            int b1 = readByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = (readByte() << 8) | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte();
                }
            }
            byte[] payload = in.readNBytes((int) length);
            if (payload.length < length) {
                throw new EOFException("closed inside a frame");
            }
            return new Frame(b0 & 0x0F, payload);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /**
     * Reads until the server closes the connection (a close frame or the socket's end), or {@code wait} passes.
     * Returns the close code (1006 when the socket ended without one), or -1 when it is still open.
     */
    int awaitClosed(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Frame frame = read(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
                if (frame != null && frame.opcode() == CLOSE) {
                    return frame.closeCode();
                }
            } catch (IOException e) { // EOF or reset: closed without a close frame (or after one we did not read)
                return 1006;
            }
        }
        return -1;
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

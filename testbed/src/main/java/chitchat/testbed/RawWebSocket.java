package chitchat.testbed;

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
import java.util.List;

/**
 * A WebSocket client on a bare socket, for what a library client will not do: stop reading with a small receive
 * buffer (a slow consumer), vanish without a close frame (churn), or send what an attacker sends: fragments that
 * never end, unmasked frames, floods of pings or binary frames. No threads of its own.
 */
public final class RawWebSocket implements Closeable {

    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** A frame from the server: its opcode and payload. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or 1005 (none given). */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code /ws} on loopback with a bearer token (a non-browser client); see {@link #open(int, List, int)}. */
    public static RawWebSocket open(int port, String token, int receiveBuffer) throws IOException {
        return open(port, List.of("Authorization: Bearer " + token), receiveBuffer);
    }

    /**
     * Connects to {@code /ws} on loopback and completes the handshake with the given header lines (the credentials
     * among them); {@code receiveBuffer} > 0 shrinks the receive buffer, set before connecting so the TCP window is
     * small from the start and a client that does not read stalls the server soon. A refused handshake is an
     * IOException whose message says "refused".
     */
    public static RawWebSocket open(int port, List<String> headers, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        RawWebSocket ws = new RawWebSocket(socket);
        try {
            ws.handshake(port, headers);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return ws;
    }

    private void handshake(int port, List<String> headers) throws IOException {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        StringBuilder request = new StringBuilder("GET /ws HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(key)).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        for (String header : headers) {
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
    public void send(int opcode, boolean fin, boolean masked, byte[] payload) throws IOException {
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

    /** Sends a text frame, masked as a client must. */
    public void sendText(String text) throws IOException {
        send(TEXT, true, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the next frame, waiting as long as the socket's timeout; EOFException when the connection ends first. */
    public Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = ((long) readByte() << 8) | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("closed mid-frame");
        }
        return new Frame(b0 & 0x0F, payload);
    }

    /** The next frame, or null when none starts within {@code wait}; EOFException when the connection ends. */
    public Frame read(Duration wait) throws IOException {
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        try {
            return readFrame();
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Reads the next text frame, skipping pings; EOFException on a close frame or the end of the connection. */
    public String readText() throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() == CLOSE) {
                throw new EOFException("close frame " + frame.closeCode());
            }
            if (frame.opcode() == TEXT) {
                return frame.text();
            }
        }
    }

    /** Reads until the server's close frame and returns its code, or -1 when the connection ends without one. */
    public int awaitCloseFrame() {
        try {
            while (true) {
                Frame frame = readFrame();
                if (frame.opcode() == CLOSE) {
                    return frame.closeCode();
                }
            }
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Reads frames until the server closes the connection (a close frame or the socket's end), or {@code wait}
     * passes. Returns the close code (1006 when the socket ended without one), or -1 when it is still open.
     */
    public int awaitClosed(Duration wait) {
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

    /**
     * Reads and discards raw bytes until the server ends the connection (EOF or reset); true when it did within
     * {@code timeout}. A slow consumer uses it to find out whether it was disconnected, however much was queued.
     */
    public boolean endsWithin(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[64 * 1024];
        try {
            socket.setSoTimeout(200);
            while (System.nanoTime() < deadline) {
                try {
                    if (in.read(buffer) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException quiet) {
                    // nothing arrived for a moment; still open
                }
            }
            return false;
        } catch (IOException reset) {
            return true; // reset by the server: closed too
        }
    }

    /** Sends a close frame with {@code code}: the answer to the server's, as the closing handshake asks (RFC 6455, 5.5.1). */
    public void replyToClose(int code) throws IOException {
        send(CLOSE, true, true, new byte[] {(byte) (code >>> 8), (byte) code});
    }

    /** Sends a close frame (1000) and closes the socket without waiting for the answer. */
    public void closeGracefully() throws IOException {
        replyToClose(1000);
        socket.close();
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /** Closes the socket without a close frame, as a lost network or a killed browser does. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}

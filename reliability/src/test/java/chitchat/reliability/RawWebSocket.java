package chitchat.reliability;

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
 * A WebSocket client written on a bare socket, for what a library client will not do: stop reading with a
 * small receive buffer (a slow consumer), or vanish without a close frame (churn). No threads of its own.
 */
final class RawWebSocket implements Closeable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects and completes the handshake with a bearer token; {@code receiveBuffer} > 0 shrinks the socket's
     * receive buffer (set before connecting, so the TCP window is small from the start).
     */
    static RawWebSocket open(int port, String token, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        RawWebSocket ws = new RawWebSocket(socket);
        try {
            ws.handshake(port, token);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return ws;
    }

    private void handshake(int port, String token) throws IOException {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String request = "GET /ws HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
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

    /** Sends a text frame, masked as a client must. */
    void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x81); // FIN, text
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            throw new IllegalArgumentException("frame too large for this client");
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** A frame from the server: its opcode and payload. */
    record Frame(int opcode, byte[] payload) {
        static final int TEXT = 0x1;
        static final int CLOSE = 0x8;

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or 1005 (none given). */
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    /** Reads the next frame; EOFException when the connection ends first. */
    Frame readFrame() throws IOException {
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

    /** Reads the next text frame, skipping pings; EOFException on a close frame or the end of the connection. */
    String readText() throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() == Frame.CLOSE) {
                throw new EOFException("close frame " + frame.closeCode());
            }
            if (frame.opcode() == Frame.TEXT) {
                return frame.text();
            }
        }
    }

    /** Reads until the server's close frame and returns its code, or -1 when the connection ends without one. */
    int awaitCloseFrame() {
        try {
            while (true) {
                Frame frame = readFrame();
                if (frame.opcode() == Frame.CLOSE) {
                    return frame.closeCode();
                }
            }
        } catch (IOException e) {
            return -1;
        }
    }

    /** Sends a close frame with {@code code}: the answer to the server's, as the closing handshake asks (RFC 6455, 5.5.1). */
    void replyToClose(int code) throws IOException {
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        out.write(new byte[] {(byte) 0x88, (byte) 0x82, mask[0], mask[1], mask[2], mask[3],
                (byte) ((code >>> 8) ^ mask[0]), (byte) (code ^ mask[1])});
        out.flush();
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    /** Sends a close frame (1000) and closes the socket without waiting for the answer. */
    void closeGracefully() throws IOException {
        replyToClose(1000);
        socket.close();
    }

    /**
     * Reads and discards until the server ends the connection (EOF or reset); true when it did within
     * {@code timeout}. A slow consumer uses it to find out whether it was disconnected.
     */
    boolean endsWithin(Duration timeout) {
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

    /** Closes the socket without a close frame, as a lost network or a killed browser does. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package chitchat.chat.ws;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidFrameException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.protocols.Protocol;

/**
 * RFC 6455 framing as Java-WebSocket's {@link Draft_6455} does it, plus two checks the library leaves out, made on
 * each frame's header as the bytes arrive and before the library buffers the payload.
 *
 * <ul>
 *   <li><b>Every client frame must be masked</b> (RFC 6455 section 5.1): an unmasked one closes with 1002.</li>
 *   <li><b>A fragmented message is bounded by its running total.</b> The library checks its size limit on the
 *       first and the final fragment only, so a message that never sends FIN could grow by 16 KiB continuations
 *       until the heap is gone. Here the sum of a message's fragments may not pass {@link Limits#MAX_FRAME_BYTES};
 *       the continuation that would pass it closes the connection with 1009, before it is read into memory.</li>
 * </ul>
 *
 * <p>The library hands every byte it reads after the handshake to {@link #translateFrame}, in order, and keeps
 * what does not yet make a whole frame for the next call; {@link HeaderScanner} reads the same stream alongside
 * it and only remembers where the next header starts. One instance serves one connection ({@link #copyInstance}).
 */
final class GuardedDraft extends Draft_6455 {

    private final HeaderScanner scanner = new HeaderScanner(Limits.MAX_FRAME_BYTES);

    GuardedDraft() {
        super(Collections.emptyList(), List.of(new Protocol("")), Limits.MAX_FRAME_BYTES);
    }

    @Override
    public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
        scanner.scan(buffer.duplicate());
        return super.translateFrame(buffer);
    }

    @Override
    public Draft copyInstance() {
        return new GuardedDraft();
    }

    /**
     * Follows frame boundaries in a byte stream without keeping payloads: collects each header (2 to 14 bytes),
     * checks it, then skips the payload it announces.
     */
    static final class HeaderScanner {

        private static final int OP_CONTINUATION = 0x0;
        private static final int OP_CONTROL = 0x8; // 0x8 and up: close, ping, pong (never fragmented)

        private final int maxMessageBytes;
        private final byte[] header = new byte[14];
        private int headerLength;
        private long payloadToSkip;
        /** Bytes of the fragmented message under way, or -1 when none is. */
        private long messageBytes = -1;

        HeaderScanner(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
        }

        void scan(ByteBuffer bytes) throws InvalidDataException {
            while (bytes.hasRemaining()) {
                if (payloadToSkip > 0) {
                    int skip = (int) Math.min(payloadToSkip, bytes.remaining());
                    bytes.position(bytes.position() + skip);
                    payloadToSkip -= skip;
                    continue;
                }
                header[headerLength++] = bytes.get();
                if (headerLength >= 2 && headerLength == headerSize()) {
                    payloadToSkip = check();
                    headerLength = 0;
                }
            }
        }

        /** The size of the header being collected, known from its second byte on. */
        private int headerSize() {
            int lengthCode = header[1] & 0x7F;
            int extended = lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
            int mask = (header[1] & 0x80) != 0 ? 4 : 0;
            return 2 + extended + mask;
        }

        /** Checks a complete header and returns its payload length. */
        private long check() throws InvalidDataException {
            if ((header[1] & 0x80) == 0) {
                throw new InvalidFrameException("client frames must be masked");
            }
            boolean fin = (header[0] & 0x80) != 0;
            int opcode = header[0] & 0x0F;
            long length = payloadLength();
            if (opcode >= OP_CONTROL) {
                return length; // the library itself limits control frames to 125 bytes
            }
            if (opcode == OP_CONTINUATION) {
                if (messageBytes >= 0) {
                    messageBytes += length;
                }
            } else {
                messageBytes = fin ? -1 : length;
            }
            if (messageBytes > maxMessageBytes || length > maxMessageBytes) {
                throw new LimitExceededException("message too big", maxMessageBytes);
            }
            if (fin && opcode == OP_CONTINUATION) {
                messageBytes = -1;
            }
            return length;
        }

        private long payloadLength() {
            int lengthCode = header[1] & 0x7F;
            if (lengthCode < 126) {
                return lengthCode;
            }
            int bytes = lengthCode == 126 ? 2 : 8;
            long length = 0;
            for (int i = 0; i < bytes; i++) {
                length = (length << 8) | (header[2 + i] & 0xFF);
            }
            return length < 0 ? Long.MAX_VALUE : length; // a 64-bit length with the top bit set is invalid anyway
        }
    }
}

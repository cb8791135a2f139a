package chitchat.chat.ws;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLSession;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.framing.Framedata;
import org.java_websocket.protocols.IProtocol;

/**
 * An open server-side WebSocket with no network under it, for {@link FanOutBenchmark}: sending a text encodes it
 * into WebSocket frame bytes with the connection's own {@link Draft_6455}, as {@code WebSocketImpl.send} does,
 * and counts the bytes instead of queueing them for the selector thread.
 */
final class FakeSocket implements WebSocket {

    private final Draft_6455 draft = new Draft_6455();
    long bytes;
    private Object attachment;

    @Override
    public void send(String text) {
        sendFrame(draft.createFrames(text, false));
    }

    @Override
    public void sendFrame(Collection<Framedata> frames) {
        for (Framedata frame : frames) {
            sendFrame(frame);
        }
    }

    @Override
    public void sendFrame(Framedata frame) {
        bytes += draft.createBinaryFrame(frame).remaining();
    }

    @Override
    public void send(ByteBuffer data) {
        sendFrame(draft.createFrames(data, false));
    }

    @Override
    public void send(byte[] data) {
        send(ByteBuffer.wrap(data));
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public ReadyState getReadyState() {
        return ReadyState.OPEN;
    }

    @Override
    public Draft getDraft() {
        return draft;
    }

    @Override
    public <T> void setAttachment(T attachment) {
        this.attachment = attachment;
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getAttachment() {
        return (T) attachment;
    }

    // Nothing below is used on the delivery path.

    @Override
    public void close(int code, String message) {
    }

    @Override
    public void close(int code) {
    }

    @Override
    public void close() {
    }

    @Override
    public void closeConnection(int code, String message) {
    }

    @Override
    public void sendPing() {
    }

    @Override
    public void sendFragmentedFrame(Opcode op, ByteBuffer buffer, boolean last) {
    }

    @Override
    public boolean hasBufferedData() {
        return false;
    }

    @Override
    public InetSocketAddress getRemoteSocketAddress() {
        return null;
    }

    @Override
    public InetSocketAddress getLocalSocketAddress() {
        return null;
    }

    @Override
    public boolean isClosing() {
        return false;
    }

    @Override
    public boolean isFlushAndClose() {
        return false;
    }

    @Override
    public boolean isClosed() {
        return false;
    }

    @Override
    public String getResourceDescriptor() {
        return "/ws";
    }

    @Override
    public boolean hasSSLSupport() {
        return false;
    }

    @Override
    public SSLSession getSSLSession() {
        throw new IllegalArgumentException("no TLS");
    }

    @Override
    public IProtocol getProtocol() {
        return null;
    }

}

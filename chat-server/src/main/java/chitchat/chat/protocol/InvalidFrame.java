package chitchat.chat.protocol;

/** A frame the server cannot accept; its code and message go back in an {@code error} frame. */
public final class InvalidFrame extends RuntimeException {

    private final ErrorCode code;
    private final String clientMsgId;

    public InvalidFrame(ErrorCode code, String message, String clientMsgId) {
        super(message, null, false, false);
        this.code = code;
        this.clientMsgId = clientMsgId;
    }

    public ErrorCode code() {
        return code;
    }

    /** The refused frame's clientMsgId, when it had one that can be sent back; else null. */
    public String clientMsgId() {
        return clientMsgId;
    }
}

package chitchat.bench;

/**
 * Reads one string field out of a server frame without parsing the whole JSON.
 *
 * <p>The load tool runs on the same two cores as the servers it measures, so what it spends per frame is taken
 * from them; a full JSON parse per received frame would be a noticeable share at 10,000 frames a second. The
 * contract's frames are flat objects of string fields written by gson, so {@code "name":"value"} is found by
 * search. Escaped characters are skipped over, not decoded: the fields read here (type, ids, usernames) hold
 * none. A frame the tool cannot read this way is counted as unexpected, never guessed at.
 */
final class FrameFields {

    private FrameFields() {
    }

    /** The value of string field {@code name}, or null when the frame has no such string field. */
    static String get(String frame, String name) {
        String key = "\"" + name + "\":\"";
        int start = frame.indexOf(key);
        if (start < 0) {
            return null;
        }
        start += key.length();
        for (int i = start; i < frame.length(); i++) {
            char c = frame.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return frame.substring(start, i);
            }
        }
        return null;
    }

    /** The value of whole-number field {@code name} (e.g. {@code seq}), or -1 when the frame has none. */
    static long number(String frame, String name) {
        String key = "\"" + name + "\":";
        int start = frame.indexOf(key);
        if (start < 0) {
            return -1;
        }
        long value = 0;
        int digits = 0;
        for (int i = start + key.length(); i < frame.length() && Character.isDigit(frame.charAt(i)) && digits < 18; i++, digits++) {
            value = value * 10 + (frame.charAt(i) - '0');
        }
        return digits == 0 ? -1 : value;
    }
}

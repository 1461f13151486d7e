package dev.duplex.app.connect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * The request id of a JSON message: the string value of the top-level {@code "id"} field of a JSON object, as in
 * the hub's protocol ({@code {"type":"publish","id":"7",...}} is answered by {@code {"type":"ack","id":"7",...}}).
 * {@code duplex connect --exec} uses it to tell the answer to its message from other messages (a greeting, events).
 * Only the top level is read; the rest of the value is skipped, not checked. Thread-safe.
 */
final class RequestId {
    private static final JsonFactory FACTORY = new JsonFactory();

    private RequestId() {
    }

    /** The top-level string {@code "id"} of {@code text}, or null if it is not a JSON object or has none. */
    static String of(String text) {
        if (text == null || text.isEmpty() || text.charAt(firstNonBlank(text)) != '{') {
            return null;
        }
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("id")) {
                    return value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static int firstNonBlank(String text) {
        int i = 0;
        while (i < text.length() - 1 && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}

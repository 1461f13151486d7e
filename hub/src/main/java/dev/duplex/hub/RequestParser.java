package dev.duplex.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns one text frame into a {@link Request}, or a {@link HubError} saying what is wrong (with the request's id
 * once it is known). Checks shape and topic names; not limits or rights. Thread-safe.
 */
final class RequestParser {
    static final int MAX_ID_LENGTH = 64;

    Request parse(String text) throws HubError {
        JsonNode root;
        try {
            root = LazyMapper.get().readTree(text);
        } catch (JsonProcessingException e) {
            throw new HubError(ErrorCode.BAD_REQUEST, null, "not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new HubError(ErrorCode.BAD_REQUEST, null, "a request is a JSON object");
        }
        String id = id(root);
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual()) {
            throw new HubError(ErrorCode.BAD_REQUEST, id, "missing \"type\"");
        }
        switch (type.textValue()) {
            case "subscribe":
                return subscribe(root, id);
            case "unsubscribe":
                return new Request.Unsubscribe(id, topic(root, id));
            case "publish":
                return publish(root, id);
            case "ping":
                return new Request.Ping(id);
            default:
                throw new HubError(ErrorCode.UNKNOWN_TYPE, id, "unknown type \"" + shorten(type.textValue()) + "\"");
        }
    }

    private Request subscribe(JsonNode root, String id) throws HubError {
        String topic = topic(root, id);
        JsonNode since = root.get("since");
        JsonNode history = root.get("history");
        if (since != null && history != null) {
            throw new HubError(ErrorCode.BAD_REQUEST, id, "give \"since\" or \"history\", not both");
        }
        Long sinceValue = null;
        if (since != null) {
            if (!since.canConvertToExactIntegral() || !since.canConvertToLong() || since.asLong() < 0) {
                throw new HubError(ErrorCode.BAD_REQUEST, id, "\"since\" must be an integer >= 0");
            }
            sinceValue = since.asLong();
        }
        Integer historyValue = null;
        if (history != null) {
            if (!history.canConvertToExactIntegral() || !history.canConvertToInt() || history.asInt() < 0) {
                throw new HubError(ErrorCode.BAD_REQUEST, id, "\"history\" must be an integer >= 0");
            }
            historyValue = history.asInt();
        }
        return new Request.Subscribe(id, topic, sinceValue, historyValue);
    }

    private Request publish(JsonNode root, String id) throws HubError {
        String topic = topic(root, id);
        JsonNode data = root.get("data");
        if (data == null) {
            throw new HubError(ErrorCode.BAD_REQUEST, id, "missing \"data\"");
        }
        JsonNode ack = root.get("ack");
        if (ack != null && !ack.isBoolean()) {
            throw new HubError(ErrorCode.BAD_REQUEST, id, "\"ack\" must be true or false");
        }
        JsonNode key = root.get("key");
        if (key != null && !key.isNull() && (!key.isTextual() || !PublishKeys.isValid(key.textValue()))) {
            throw new HubError(ErrorCode.BAD_REQUEST, id,
                    "\"key\" must be 1-64 characters of A-Z a-z 0-9 . _ : -");
        }
        String json;
        try {
            json = LazyMapper.get().writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new HubError(ErrorCode.BAD_REQUEST, id, "bad \"data\"");
        }
        return new Request.Publish(id, topic, json, ack != null && ack.booleanValue(),
                key == null || key.isNull() ? null : key.textValue());
    }

    private static String id(JsonNode root) throws HubError {
        JsonNode id = root.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        if (!id.isTextual() || id.textValue().length() > MAX_ID_LENGTH) {
            throw new HubError(ErrorCode.BAD_REQUEST, null, "\"id\" must be a string of at most 64 characters");
        }
        return id.textValue();
    }

    private static String topic(JsonNode root, String id) throws HubError {
        JsonNode topic = root.get("topic");
        if (topic == null || !topic.isTextual()) {
            throw new HubError(ErrorCode.BAD_REQUEST, id, "missing \"topic\"");
        }
        if (!TopicNames.isValid(topic.textValue())) {
            throw new HubError(ErrorCode.INVALID_TOPIC, id,
                    "topic names are 1-64 characters of A-Z a-z 0-9 . _ : - and do not start with '.'");
        }
        return topic.textValue();
    }

    private static String shorten(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }
}

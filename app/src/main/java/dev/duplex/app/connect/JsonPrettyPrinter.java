package dev.duplex.app.connect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;

import java.io.IOException;
import java.io.StringWriter;
import java.util.Optional;

/**
 * Re-indents a JSON text (two spaces, {@code "key": value}), token by token: numbers keep their exact spelling and
 * keys their order. Anything that is not one complete JSON value is left alone. Thread-safe.
 */
final class JsonPrettyPrinter {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonPrettyPrinter() {
    }

    /** The indented JSON, or empty if {@code text} is not exactly one JSON object or array. */
    static Optional<String> format(String text) {
        StringWriter out = new StringWriter(text.length() * 2);
        try (JsonParser parser = FACTORY.createParser(text);
             JsonGenerator generator = FACTORY.createGenerator(out)) {
            generator.setPrettyPrinter(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
                return Optional.empty();
            }
            int depth = 0;
            for (JsonToken t = first; t != null; t = parser.nextToken()) {
                copy(t, parser, generator);
                depth += t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
                if (depth == 0) {
                    break;
                }
            }
            if (parser.nextToken() != null) {
                return Optional.empty(); // more than one value
            }
            generator.flush();
            return Optional.of(out.toString());
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not JSON (or beyond the parser's limits): printed as it came
        }
    }

    private static void copy(JsonToken t, JsonParser p, JsonGenerator g) throws IOException {
        switch (t) {
            case START_OBJECT -> g.writeStartObject();
            case END_OBJECT -> g.writeEndObject();
            case START_ARRAY -> g.writeStartArray();
            case END_ARRAY -> g.writeEndArray();
            case FIELD_NAME -> g.writeFieldName(p.currentName());
            case VALUE_STRING -> g.writeString(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
            case VALUE_TRUE -> g.writeBoolean(true);
            case VALUE_FALSE -> g.writeBoolean(false);
            case VALUE_NULL -> g.writeNull();
            default -> throw new IOException("unexpected JSON token " + t);
        }
    }
}

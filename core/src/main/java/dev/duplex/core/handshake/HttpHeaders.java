package dev.duplex.core.handshake;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, ordered multi-map of header fields with case-insensitive (ASCII) name lookup.
 *
 * <p>Fields keep their arrival order and their original name spelling; iteration yields them in
 * that order. Lookups never return null collections: {@link #all(String)} of an absent name is empty,
 * {@link #first(String)} of an absent name is null. Instances are immutable and thread-safe.
 * Create them with {@link #builder()}, {@link #of(String...)} or {@link #empty()}.
 */
public final class HttpHeaders implements Iterable<HeaderField> {

    private static final HttpHeaders EMPTY = new HttpHeaders(List.of());

    private final List<HeaderField> fields;
    private final Map<String, List<String>> valuesByLowerName;
    private final List<String> names;

    private HttpHeaders(List<HeaderField> fields) {
        this.fields = List.copyOf(fields);
        Map<String, List<String>> byName = new LinkedHashMap<>();
        List<String> distinctNames = new ArrayList<>();
        for (HeaderField field : this.fields) {
            List<String> values = byName.get(HttpSyntax.lower(field.name()));
            if (values == null) {
                values = new ArrayList<>(1);
                byName.put(HttpSyntax.lower(field.name()), values);
                distinctNames.add(field.name());
            }
            values.add(field.value());
        }
        byName.replaceAll((k, v) -> List.copyOf(v));
        this.valuesByLowerName = Collections.unmodifiableMap(byName);
        this.names = List.copyOf(distinctNames);
    }

    /** Headers without any field. */
    public static HttpHeaders empty() {
        return EMPTY;
    }

    /**
     * Headers from alternating names and values, e.g. {@code of("Origin", "https://a.example")}.
     *
     * @throws IllegalArgumentException on an odd number of arguments or an invalid name/value
     */
    public static HttpHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected name/value pairs, got an odd number of strings");
        }
        Builder builder = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    /** A new builder; builders are not thread-safe. */
    public static Builder builder() {
        return new Builder();
    }

    /** The value of the first field named {@code name} (case-insensitive), or null if there is none. */
    public String first(String name) {
        List<String> values = all(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** The values of all fields named {@code name} (case-insensitive) in arrival order; empty if none. */
    public List<String> all(String name) {
        List<String> values = valuesByLowerName.get(HttpSyntax.lower(Objects.requireNonNull(name, "name")));
        return values == null ? List.of() : values;
    }

    /** True when at least one field is named {@code name} (case-insensitive). */
    public boolean contains(String name) {
        return !all(name).isEmpty();
    }

    /**
     * True when a comma-separated element of any field named {@code name} equals {@code token},
     * ignoring ASCII case and surrounding whitespace; e.g. {@code Connection: keep-alive, Upgrade}
     * contains the token {@code upgrade}.
     */
    public boolean containsToken(String name, String token) {
        Objects.requireNonNull(token, "token");
        return HttpSyntax.containsToken(all(name), token);
    }

    /** The distinct field names, each in the spelling of its first occurrence, in arrival order. */
    public List<String> names() {
        return names;
    }

    /** All fields in arrival order. */
    public List<HeaderField> fields() {
        return fields;
    }

    /** The number of fields (not of distinct names). */
    public int size() {
        return fields.size();
    }

    /** True when there is no field. */
    public boolean isEmpty() {
        return fields.isEmpty();
    }

    @Override
    public Iterator<HeaderField> iterator() {
        return fields.iterator();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpHeaders && ((HttpHeaders) o).fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return fields.toString();
    }

    /** Collects fields in order for an {@link HttpHeaders}. Not thread-safe; reusable after {@link #build()}. */
    public static final class Builder {

        private final List<HeaderField> fields = new ArrayList<>();

        private Builder() {}

        /**
         * Appends a field.
         *
         * @throws IllegalArgumentException if the name is not a token or the value has a forbidden character
         */
        public Builder add(String name, String value) {
            return add(new HeaderField(name, value));
        }

        /** Appends a field. */
        public Builder add(HeaderField field) {
            fields.add(Objects.requireNonNull(field, "field"));
            return this;
        }

        /** Appends all fields of {@code headers} in their order. */
        public Builder addAll(HttpHeaders headers) {
            fields.addAll(headers.fields);
            return this;
        }

        /** The headers collected so far. */
        public HttpHeaders build() {
            return fields.isEmpty() ? EMPTY : new HttpHeaders(fields);
        }
    }
}

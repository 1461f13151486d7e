package dev.duplex.net;

import dev.duplex.core.deflate.PerMessageDeflate;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How one endpoint accepts upgrades: the subprotocol chooser, the extension negotiator, the {@link OriginPolicy}
 * and the accept hook. Immutable and thread-safe; build with {@link #builder()}. The defaults accept every origin
 * and request, with no subprotocol and no extension.
 */
public final class EndpointOptions {
    private static final EndpointOptions DEFAULTS = builder().build();

    private final SubprotocolChooser subprotocols;
    private final ExtensionNegotiator extensions;
    private final Set<String> allowedOrigins;
    private final OriginPolicy originPolicy;
    private final AcceptHook acceptHook;

    private EndpointOptions(Builder b) {
        this.subprotocols = b.subprotocols;
        this.extensions = b.extensions;
        this.allowedOrigins = b.allowedOrigins;
        this.originPolicy = b.originPolicy;
        this.acceptHook = b.acceptHook;
    }

    public static EndpointOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public SubprotocolChooser subprotocols() {
        return subprotocols;
    }

    public ExtensionNegotiator extensions() {
        return extensions;
    }

    /**
     * The Origin values set with {@link Builder#allowedOrigins} (lower case), or null when none were set (then
     * {@link #originPolicy()} decides alone).
     */
    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    public AcceptHook acceptHook() {
        return acceptHook;
    }

    /** Which Origins may upgrade ({@link OriginPolicy#any()} unless set). */
    public OriginPolicy originPolicy() {
        return originPolicy;
    }

    /** Whether a request with this Origin header (null if absent) and Host header passes the origin policy. */
    boolean originAllowed(String origin, String host) {
        return originPolicy.allows(origin, host);
    }

    /** Builds {@link EndpointOptions}; not thread-safe. */
    public static final class Builder {
        private SubprotocolChooser subprotocols = SubprotocolChooser.NONE;
        private ExtensionNegotiator extensions = ExtensionNegotiator.NONE;
        private Set<String> allowedOrigins;
        private OriginPolicy originPolicy = OriginPolicy.any();
        private AcceptHook acceptHook = AcceptHook.ACCEPT_ALL;

        private Builder() {
        }

        public Builder subprotocols(SubprotocolChooser chooser) {
            this.subprotocols = Objects.requireNonNull(chooser);
            return this;
        }

        /**
         * Sets how the endpoint answers extension offers; replaces any earlier {@link #compression} setting.
         * The default, {@link ExtensionNegotiator#NONE}, accepts none.
         */
        public Builder extensions(ExtensionNegotiator negotiator) {
            this.extensions = Objects.requireNonNull(negotiator);
            return this;
        }

        /**
         * Turns on permessage-deflate (RFC 7692) for this endpoint with these settings (shared by all its
         * connections); shorthand for {@code extensions(ExtensionNegotiator.of(deflate))}, so it replaces any
         * earlier {@link #extensions} setting. Clients that offer no acceptable permessage-deflate stay
         * uncompressed. Broadcast still works: compressed connections compress each broadcast message themselves.
         */
        public Builder compression(PerMessageDeflate deflate) {
            return extensions(ExtensionNegotiator.of(Objects.requireNonNull(deflate, "deflate")));
        }

        /**
         * Lets in only requests whose Origin header is one of these (e.g. {@code https://example.com}); others get
         * 403. Requests without an Origin (non-browser clients) are refused too once a list is set. Shorthand for
         * {@code originPolicy(OriginPolicy.only(origins))}; replaces an earlier origin policy.
         */
        public Builder allowedOrigins(String... origins) {
            this.allowedOrigins = List.of(origins).stream()
                    .map(o -> o.toLowerCase(java.util.Locale.ROOT))
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());
            this.originPolicy = OriginPolicy.only(origins);
            return this;
        }

        /**
         * Which Origins may upgrade, e.g. {@link OriginPolicy#sameOrigin(String...)}; a refused request gets 403.
         * Replaces an earlier {@link #allowedOrigins} list. Default: {@link OriginPolicy#any()}.
         */
        public Builder originPolicy(OriginPolicy policy) {
            this.originPolicy = Objects.requireNonNull(policy);
            this.allowedOrigins = null;
            return this;
        }

        public Builder acceptHook(AcceptHook hook) {
            this.acceptHook = Objects.requireNonNull(hook);
            return this;
        }

        public EndpointOptions build() {
            return new EndpointOptions(this);
        }
    }
}

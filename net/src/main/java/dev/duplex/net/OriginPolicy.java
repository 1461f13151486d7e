package dev.duplex.net;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which {@code Origin} headers an endpoint lets upgrade, the guard against cross-site WebSocket hijacking: a page on
 * another site opening a WebSocket to this server with the user's cookies. Browsers always send {@code Origin} on a
 * WebSocket handshake; other clients usually send none. A refused request gets HTTP 403. Immutable and thread-safe.
 *
 * <ul>
 *   <li>{@link #any()}: every request, with or without Origin (the default of {@link EndpointOptions}).</li>
 *   <li>{@link #sameOrigin(String...)}: requests without Origin (non-browser clients), requests whose Origin's
 *       host[:port] equals the request's {@code Host} header (a page served by this server), and the listed extra
 *       origins; {@code "*"} in the list lets in any Origin.</li>
 *   <li>{@link #only(String...)}: exactly the listed origins; a request without Origin is refused.</li>
 * </ul>
 * Origins compare case-insensitively as {@code scheme://host[:port]}, e.g. {@code https://example.com}.
 */
public final class OriginPolicy {
    private static final OriginPolicy ANY = new OriginPolicy(Mode.ANY, Set.of());

    private enum Mode { ANY, SAME_ORIGIN, ONLY }

    private final Mode mode;
    private final Set<String> listed;

    private OriginPolicy(Mode mode, Set<String> listed) {
        this.mode = mode;
        this.listed = listed;
    }

    /** Lets in every request. */
    public static OriginPolicy any() {
        return ANY;
    }

    /**
     * Lets in requests without Origin, same-origin requests, and these origins ({@code "*"}: any origin, which
     * makes this policy {@link #any()}).
     */
    public static OriginPolicy sameOrigin(String... alsoAllowed) {
        Set<String> extra = normalize(alsoAllowed);
        return extra.contains("*") ? ANY : new OriginPolicy(Mode.SAME_ORIGIN, extra);
    }

    /** Lets in only requests whose Origin is one of these; requests without Origin are refused. */
    public static OriginPolicy only(String... origins) {
        return new OriginPolicy(Mode.ONLY, normalize(origins));
    }

    /**
     * Whether a request may upgrade.
     *
     * @param origin the request's Origin header, null if absent
     * @param host   the request's Host header, null if absent
     */
    public boolean allows(String origin, String host) {
        switch (mode) {
            case ANY:
                return true;
            case ONLY:
                return origin != null && listed.contains(origin.trim().toLowerCase(Locale.ROOT));
            default:
                if (origin == null) {
                    return true;
                }
                String o = origin.trim().toLowerCase(Locale.ROOT);
                return listed.contains(o) || host != null && sameHost(o, host.trim().toLowerCase(Locale.ROOT));
        }
    }

    /** The listed origins (lower case); empty for {@link #any()}. */
    public Set<String> listed() {
        return listed;
    }

    /** Origin {@code scheme://host[:port]} against Host {@code host[:port]}; default ports may be left out. */
    private static boolean sameHost(String origin, String host) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        String scheme = uri.getScheme();
        String originHost = uri.getHost();
        if (scheme == null || originHost == null) {
            return false; // "null" (sandboxed pages, file://) is never same-origin
        }
        int defaultPort = scheme.equals("https") || scheme.equals("wss") ? 443 : 80;
        int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
        String hostName = host;
        int hostPort = defaultPort;
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) {
            hostName = host.substring(0, colon);
            try {
                hostPort = Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return originHost.equals(hostName) && originPort == hostPort;
    }

    private static Set<String> normalize(String... origins) {
        return List.of(origins).stream()
                .map(o -> Objects.requireNonNull(o, "origin").trim().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public String toString() {
        return mode == Mode.ANY ? "any origin" : (mode == Mode.SAME_ORIGIN ? "same origin" : "only") + " " + listed;
    }
}

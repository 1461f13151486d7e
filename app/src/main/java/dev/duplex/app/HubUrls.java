package dev.duplex.app;

import dev.duplex.core.handshake.HttpRequest;
import dev.duplex.net.HttpHandler;
import dev.duplex.net.HttpReply;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * {@code /hub-urls.json}: the other nodes' hub URLs given with {@code --hub-urls}, as a JSON array of strings
 * ({@code []} without the option). The built-in pages read it to give duplex.js every node, their own first, so
 * they move to another node when theirs is unreachable. The list comes from the operator, never from the page's
 * URL: a link cannot point the pages at another server. Immutable and thread-safe; the body is made once.
 */
final class HubUrls implements HttpHandler {
    static final String PATH = "/hub-urls.json";

    private final String json;

    /** @param urls URLs that passed {@link #valid} */
    HubUrls(List<String> urls) {
        StringBuilder b = new StringBuilder("[");
        for (String url : urls) {
            // valid URIs hold no quote, backslash or control character: nothing to escape
            b.append(b.length() > 1 ? ",\"" : "\"").append(url).append('"');
        }
        this.json = b.append(']').toString();
    }

    /** Whether {@code url} is an absolute ws:// or wss:// URL with a host. */
    static boolean valid(String url) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("ws") || scheme.equals("wss")) && u.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    @Override
    public HttpReply handle(HttpRequest request) {
        return HttpReply.json(200, json).withHeader("Cache-Control", "no-cache");
    }
}

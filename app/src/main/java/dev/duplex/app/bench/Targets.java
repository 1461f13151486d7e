package dev.duplex.app.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

/** The socket address of every URL a run opens, resolved once before it starts. Immutable. */
final class Targets {
    private final Map<URI, InetSocketAddress> addresses;

    private Targets(Map<URI, InetSocketAddress> addresses) {
        this.addresses = Map.copyOf(addresses);
    }

    /** Resolves every URL of {@code plan} (the publishers' included). */
    static Targets resolve(BenchPlan plan) throws UnknownHostException {
        Map<URI, InetSocketAddress> addresses = new HashMap<>();
        for (URI u : plan.urls()) {
            addresses.put(u, address(u));
        }
        addresses.put(plan.publishUrl(), address(plan.publishUrl()));
        return new Targets(addresses);
    }

    private static InetSocketAddress address(URI u) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(u.getHost()), u.getPort() >= 0 ? u.getPort() : 80);
    }

    /** The address of {@code url}, one of the plan's. */
    InetSocketAddress of(URI url) {
        InetSocketAddress a = addresses.get(url);
        if (a == null) {
            throw new IllegalArgumentException("not a URL of this run: " + url);
        }
        return a;
    }
}

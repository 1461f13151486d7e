package dev.duplex.app.bench;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The local addresses connections are bound to before connecting, used round robin, so that one run can open more
 * connections to one server port than the ephemeral port range allows from a single address. Parsed from
 * {@code --source-addresses} (an IPv4 range {@code 127.0.0.1-127.0.0.8} or a comma-separated list), or chosen
 * automatically among 127.0.0.x for a loopback target. Immutable.
 */
final class SourceAddresses {
    /** The most addresses a range may expand to: enough for millions of connections, small enough to list. */
    static final int MAX_ADDRESSES = 1024;

    private final List<InetAddress> addresses;

    private SourceAddresses(List<InetAddress> addresses) {
        this.addresses = List.copyOf(addresses);
    }

    /** No binding: the kernel picks the source address and port. */
    static SourceAddresses none() {
        return new SourceAddresses(List.of());
    }

    /**
     * Parses {@code 127.0.0.1-127.0.0.8} (an inclusive IPv4 range) or {@code 10.0.0.1,10.0.0.2} (a list).
     *
     * @throws IllegalArgumentException if the text is not one of those forms or the range is empty or too large
     */
    static SourceAddresses parse(String spec) {
        List<InetAddress> result = new ArrayList<>();
        for (String part : spec.split(",")) {
            String item = part.trim();
            int dash = item.indexOf('-');
            if (dash < 0) {
                result.add(address(item));
                continue;
            }
            long first = ipv4(item.substring(0, dash).trim());
            long last = ipv4(item.substring(dash + 1).trim());
            if (last < first) {
                throw new IllegalArgumentException("empty address range " + item);
            }
            if (last - first + 1 + result.size() > MAX_ADDRESSES) {
                throw new IllegalArgumentException("more than " + MAX_ADDRESSES + " source addresses in " + spec);
            }
            for (long a = first; a <= last; a++) {
                result.add(fromIpv4(a));
            }
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException("no source address in '" + spec + "'");
        }
        return new SourceAddresses(result);
    }

    /**
     * The addresses to use when none were given: none if {@code connections} fit in the ephemeral port range,
     * else enough of 127.0.0.1, 127.0.0.2, ... for a loopback IPv4 target (every 127.x address is local on Linux).
     *
     * @throws IllegalArgumentException if more addresses are needed but the target is not loopback IPv4
     */
    static SourceAddresses automatic(InetAddress target, int connections, EphemeralPortRange ports) {
        // keep a margin for the machine's other connections and for ports in TIME_WAIT
        int perAddress = Math.max(1, ports.size() * 9 / 10);
        if (connections <= perAddress) {
            return none();
        }
        if (!(target instanceof Inet4Address) || !target.isLoopbackAddress()) {
            throw new IllegalArgumentException(connections + " connections exceed the ephemeral port range ("
                    + ports.low() + "-" + ports.high() + "); give --source-addresses with enough local addresses");
        }
        int count = (connections + perAddress - 1) / perAddress;
        long first = ipv4("127.0.0.1");
        return parse("127.0.0.1-" + fromIpv4(first + count - 1).getHostAddress());
    }

    boolean isEmpty() {
        return addresses.isEmpty();
    }

    List<InetAddress> all() {
        return addresses;
    }

    /** The address for connection number {@code index}; only when not {@link #isEmpty()}. */
    InetAddress forConnection(int index) {
        return addresses.get(index % addresses.size());
    }

    @Override
    public String toString() {
        if (addresses.isEmpty()) {
            return "automatic";
        }
        String first = addresses.get(0).getHostAddress();
        return addresses.size() == 1 ? first
                : first + " .. " + addresses.get(addresses.size() - 1).getHostAddress() + " (" + addresses.size() + ")";
    }

    private static InetAddress address(String literal) {
        if (!literal.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an IP address: '" + literal + "'");
        }
        try {
            return InetAddress.getByName(literal); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + literal + "'", e);
        }
    }

    private static long ipv4(String literal) {
        InetAddress a = address(literal);
        if (!(a instanceof Inet4Address)) {
            throw new IllegalArgumentException("address ranges are IPv4 only: '" + literal + "'");
        }
        byte[] b = a.getAddress();
        return (b[0] & 0xFFL) << 24 | (b[1] & 0xFFL) << 16 | (b[2] & 0xFFL) << 8 | (b[3] & 0xFFL);
    }

    private static InetAddress fromIpv4(long value) {
        byte[] b = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always a valid address
        }
    }
}

package dev.duplex.net;

import java.util.List;

/**
 * Picks the subprotocol of a connection from the ones the client offered ({@code Sec-WebSocket-Protocol}), in
 * the client's order of preference. Called on the event loop; must not block.
 */
@FunctionalInterface
public interface SubprotocolChooser {

    /** Chooses none. */
    SubprotocolChooser NONE = offered -> null;

    /** The first offered protocol that is in {@code supported}, in the client's order. */
    static SubprotocolChooser firstSupported(String... supported) {
        List<String> mine = List.of(supported);
        return offered -> offered.stream().filter(mine::contains).findFirst().orElse(null);
    }

    /**
     * @return one of {@code offered}, exactly as offered, or null for no subprotocol
     */
    String choose(List<String> offered);
}

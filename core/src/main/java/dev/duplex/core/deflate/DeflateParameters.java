package dev.duplex.core.deflate;

import dev.duplex.core.handshake.ExtensionOffer;
import dev.duplex.core.handshake.ExtensionParam;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of one permessage-deflate offer or response (RFC 7692 section 7.1), syntactically validated.
 * Window bits are {@link #ABSENT} when the parameter is missing; {@code clientMaxWindowBits} is {@link #NO_VALUE}
 * when an offer has the parameter without a value ("I support it"). Immutable.
 */
record DeflateParameters(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
                         int serverMaxWindowBits, int clientMaxWindowBits) {

    static final String NAME = "permessage-deflate";
    static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    static final int ABSENT = 0;
    static final int NO_VALUE = -1;
    static final int MIN_WINDOW_BITS = 8;
    static final int MAX_WINDOW_BITS = 15;

    /**
     * Validates an offer ({@code response} false) or a response: only the four parameters, each at most once; the
     * no-context-takeover ones without a value; window bits {@code 8..15} written as RFC 7692 sections 7.1.2.1-2
     * require ({@code 1*DIGIT} without leading zeros, after the header parser removed any quoting, so
     * {@code "10"} is 10); {@code server_max_window_bits} always with a value, {@code client_max_window_bits}
     * without one only in an offer.
     *
     * @throws IllegalArgumentException naming the offending parameter
     */
    static DeflateParameters parse(ExtensionOffer offer, boolean response) {
        boolean serverNoContext = false;
        boolean clientNoContext = false;
        int serverBits = ABSENT;
        int clientBits = ABSENT;
        List<String> seen = new ArrayList<>(4);
        for (ExtensionParam param : offer.params()) {
            String name = param.name();
            if (seen.contains(name)) {
                throw new IllegalArgumentException("duplicate parameter " + name);
            }
            seen.add(name);
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER:
                    requireNoValue(param);
                    serverNoContext = true;
                    break;
                case CLIENT_NO_CONTEXT_TAKEOVER:
                    requireNoValue(param);
                    clientNoContext = true;
                    break;
                case SERVER_MAX_WINDOW_BITS:
                    if (!param.hasValue()) {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    serverBits = windowBits(param);
                    break;
                case CLIENT_MAX_WINDOW_BITS:
                    if (!param.hasValue()) {
                        if (response) {
                            throw new IllegalArgumentException(name + " in a response needs a value");
                        }
                        clientBits = NO_VALUE;
                    } else {
                        clientBits = windowBits(param);
                    }
                    break;
                default:
                    throw new IllegalArgumentException("unknown parameter " + name);
            }
        }
        return new DeflateParameters(serverNoContext, clientNoContext, serverBits, clientBits);
    }

    /** Renders these parameters as a header element, in the RFC's order. */
    ExtensionOffer toOffer() {
        List<ExtensionParam> params = new ArrayList<>(4);
        if (serverNoContextTakeover) {
            params.add(ExtensionParam.of(SERVER_NO_CONTEXT_TAKEOVER));
        }
        if (clientNoContextTakeover) {
            params.add(ExtensionParam.of(CLIENT_NO_CONTEXT_TAKEOVER));
        }
        if (serverMaxWindowBits != ABSENT) {
            params.add(ExtensionParam.of(SERVER_MAX_WINDOW_BITS, Integer.toString(serverMaxWindowBits)));
        }
        if (clientMaxWindowBits == NO_VALUE) {
            params.add(ExtensionParam.of(CLIENT_MAX_WINDOW_BITS));
        } else if (clientMaxWindowBits != ABSENT) {
            params.add(ExtensionParam.of(CLIENT_MAX_WINDOW_BITS, Integer.toString(clientMaxWindowBits)));
        }
        return new ExtensionOffer(NAME, params);
    }

    private static void requireNoValue(ExtensionParam param) {
        if (param.hasValue()) {
            throw new IllegalArgumentException(param.name() + " takes no value");
        }
    }

    private static int windowBits(ExtensionParam param) {
        String v = param.value();
        boolean valid = v.length() == 1 ? v.charAt(0) >= '8' && v.charAt(0) <= '9'
                : v.length() == 2 && v.charAt(0) == '1' && v.charAt(1) >= '0' && v.charAt(1) <= '5';
        if (!valid) {
            throw new IllegalArgumentException(param.name() + " must be 8 to 15 without leading zeros, was \""
                    + v + "\"");
        }
        return Integer.parseInt(v);
    }
}

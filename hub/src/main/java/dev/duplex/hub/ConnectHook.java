package dev.duplex.hub;

import com.auth0.jwt.exceptions.JWTVerificationException;
import dev.duplex.core.handshake.HttpRequest;
import dev.duplex.net.Acceptance;
import dev.duplex.net.AcceptHook;

import java.util.Map;

/**
 * The {@code /hub} handshake check: reads {@code ?name=} and the token ({@code ?token=} or an
 * {@code Authorization: Bearer} header). With a token secret configured, a missing or invalid token is
 * answered 401 (so is a token without {@code exp} when the hub requires one); the token's {@code name} claim wins
 * over the query and its {@code exp} becomes the identity's close time. Without a secret, everyone gets every
 * right. {@code /echo} and {@code /broadcast} use the same check (see {@link #then}). Runs on an event loop: HMAC
 * verification is cheap.
 */
final class ConnectHook implements AcceptHook {
    private final TokenVerifier verifier;

    /** @param verifier null when the hub requires no token */
    ConnectHook(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Acceptance check(HttpRequest request) {
        Map<String, String> query = QueryParams.parse(request.query());
        String queryName = DisplayNames.clean(query.get("name"));
        if (verifier == null) {
            return Acceptance.accept(new Identity(queryName, Rights.ALL));
        }
        String token = query.get("token");
        if (token == null) {
            String auth = request.headers().first("Authorization");
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                token = auth.substring(7).strip();
            }
        }
        if (token == null || token.isEmpty()) {
            return Acceptance.reject(401, "a token is required (?token=... or Authorization: Bearer ...)");
        }
        try {
            Identity claimed = verifier.verify(token);
            String name = DisplayNames.clean(claimed.name());
            return Acceptance.accept(new Identity(name != null ? name : queryName, claimed.rights(),
                    claimed.closeAtMillis()));
        } catch (JWTVerificationException e) {
            return Acceptance.reject(401, TokenVerifier.NO_EXP.equals(e.getMessage()) ? e.getMessage() : "invalid token");
        }
    }

    /** True when a token is required. */
    boolean requiresToken() {
        return verifier != null;
    }

    /**
     * This check, then {@code next} if it accepted: a rejection by the token check wins (a missing token is told
     * before anything about the path). Without a secret, {@code next} alone (or accept-all if null).
     */
    AcceptHook then(AcceptHook next) {
        if (verifier == null) {
            return next != null ? next : AcceptHook.ACCEPT_ALL;
        }
        return request -> {
            Acceptance token = check(request);
            if (!token.isAccepted() || next == null) {
                return token;
            }
            return next.check(request);
        };
    }
}

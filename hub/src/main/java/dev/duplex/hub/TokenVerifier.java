package dev.duplex.hub;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;

import java.util.ArrayList;
import java.util.List;

/**
 * Verifies HS256 connect tokens and turns their claims into an {@link Identity}: {@code name} (string),
 * {@code publish} and {@code subscribe} (arrays of {@link TopicPattern}s; a missing claim grants nothing).
 * {@code exp} and {@code nbf} are checked when present, with 5 s leeway. Thread-safe.
 */
final class TokenVerifier {
    private final JWTVerifier verifier;

    TokenVerifier(byte[] secret) {
        this.verifier = JWT.require(Algorithm.HMAC256(secret)).acceptLeeway(5).build();
    }

    /** @throws JWTVerificationException for a malformed, badly signed, expired or not-yet-valid token */
    Identity verify(String token) {
        DecodedJWT jwt = verifier.verify(token);
        Claim name = jwt.getClaim("name");
        return new Identity(name.isMissing() || name.isNull() ? null : name.asString(),
                new Rights(patterns(jwt.getClaim("publish")), patterns(jwt.getClaim("subscribe"))));
    }

    private static List<TopicPattern> patterns(Claim claim) {
        if (claim.isMissing() || claim.isNull()) {
            return List.of();
        }
        List<String> values = claim.asList(String.class);
        if (values == null) {
            throw new JWTVerificationException("claims publish and subscribe must be arrays of strings");
        }
        List<TopicPattern> out = new ArrayList<>(values.size());
        for (String v : values) {
            if (v != null) {
                out.add(new TopicPattern(v));
            }
        }
        return out;
    }
}

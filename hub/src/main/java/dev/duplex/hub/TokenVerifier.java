package dev.duplex.hub;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Verifies HS256 connect tokens and turns their claims into an {@link Identity}: {@code name} (string),
 * {@code publish} and {@code subscribe} (arrays of {@link TopicPattern}s; a missing claim grants nothing).
 * {@code exp} and {@code nbf} are checked when present, with a leeway (5 s by default); with {@code requireExp} a
 * token without {@code exp} is refused. The identity's {@link Identity#closeAtMillis()} is {@code exp} plus the
 * leeway. Thread-safe.
 */
final class TokenVerifier {
    static final long DEFAULT_LEEWAY_SECONDS = 5;
    static final String NO_EXP = "the token has no exp claim; this hub requires one";

    private final JWTVerifier verifier;
    private final boolean requireExp;
    private final long leewayMillis;

    TokenVerifier(byte[] secret, boolean requireExp, long leewaySeconds) {
        this.verifier = JWT.require(Algorithm.HMAC256(secret)).acceptLeeway(leewaySeconds).build();
        this.requireExp = requireExp;
        this.leewayMillis = leewaySeconds * 1000;
    }

    /** @throws JWTVerificationException for a malformed, badly signed, expired or not-yet-valid token, or one
     *                                   without {@code exp} when it is required (message {@link #NO_EXP}) */
    Identity verify(String token) {
        DecodedJWT jwt = verifier.verify(token);
        Date exp = jwt.getExpiresAt();
        if (exp == null && requireExp) {
            throw new JWTVerificationException(NO_EXP);
        }
        Claim name = jwt.getClaim("name");
        return new Identity(name.isMissing() || name.isNull() ? null : name.asString(),
                new Rights(patterns(jwt.getClaim("publish")), patterns(jwt.getClaim("subscribe"))),
                exp == null ? 0 : exp.getTime() + leewayMillis);
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

package dev.duplex.hub;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The URI forms {@link Hub.Builder#redis} takes (no Redis needed: nothing connects). */
class RedisLinkTest {

    @Test
    void theBuilderTakesOnePrimarySentinelAndClusterUris() {
        for (String uri : List.of("redis://127.0.0.1:6379", "rediss://:secret@redis.example:6380",
                "redis-sentinel://127.0.0.1:26379,127.0.0.1:26380/?sentinelMasterId=main",
                "rediss-sentinel://s1:26379/0#main",
                "redis-cluster://127.0.0.1:7000,127.0.0.1:7001", "rediss-cluster://user:pw@c1:7000")) {
            Hub.builder().redis(uri);
        }
    }

    @Test
    void otherSchemesAndASentinelUriWithoutMasterAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Hub.builder().redis("http://127.0.0.1:6379"));
        assertTrue(e.getMessage().contains("redis-sentinel://"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Hub.builder().redis("redis-sentinel://127.0.0.1:26379"));
        assertTrue(e.getMessage().contains("sentinelMasterId"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Hub.builder().redis("redis-cluster://a:7000,,b:7001"));
        assertThrows(IllegalArgumentException.class, () -> Hub.builder().redis("redis-cluster://"));
    }

    @Test
    void aClusterUriIsOneNodeUriPerSeedWithTheCredentialsAndOptionsOfAll() {
        List<RedisURI> nodes = RedisLink.clusterNodes("rediss-cluster://app:pw@c1:7000,c2?timeout=3s",
                Duration.ofSeconds(4));
        assertEquals(2, nodes.size());
        assertEquals("c1", nodes.get(0).getHost());
        assertEquals(7000, nodes.get(0).getPort());
        assertEquals("c2", nodes.get(1).getHost());
        assertEquals(6379, nodes.get(1).getPort());
        for (RedisURI n : nodes) {
            assertTrue(n.isSsl());
            assertEquals("app", n.getUsername());
            assertEquals("pw", new String(n.getPassword()));
            assertEquals(Duration.ofSeconds(4), n.getTimeout(), "the connect timeout of the hub");
        }
        assertEquals("the Redis Cluster at c1:7000,c2:6379",
                RedisLink.where("redis-cluster://app:pw@c1:7000,c2"));
        assertEquals("the primary main of the Sentinels at s1:26379,s2:26379",
                RedisLink.where("redis-sentinel://:pw@s1,s2/?sentinelMasterId=main"));
    }
}

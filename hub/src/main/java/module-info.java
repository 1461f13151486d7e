/**
 * duplex-hub: topics, presence, stored history and resume over a JSON protocol on duplex-net ({@link
 * dev.duplex.hub.Hub}). Uses Jackson for JSON, H2 (through JDBC) as the message store and java-jwt for connect
 * tokens; none of them appears in the API.
 */
module dev.duplex.hub {
    requires transitive dev.duplex.net;
    requires java.sql;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.auth0.jwt;
    // The JDBC driver of H2MessageStore (found by DriverManager); H2 has no module-info, this is its
    // Automatic-Module-Name.
    requires com.h2database;
    requires lettuce.core; // --redis: several nodes sharing Redis

    exports dev.duplex.hub;
}

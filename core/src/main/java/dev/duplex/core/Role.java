package dev.duplex.core;

/**
 * Which end of the connection an engine plays. The role decides the masking rules of RFC 6455 section 5.1:
 * a client masks every frame it sends and rejects masked frames, a server does the opposite.
 */
public enum Role {
    CLIENT,
    SERVER
}

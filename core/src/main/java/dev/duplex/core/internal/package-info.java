/**
 * Not API: the engine's per-byte kernels (masking, UTF-8 validation and encoding), public only so that duplex-net
 * and the benchmarks can reach them. Not exported by the {@code dev.duplex.core} module (except to {@code
 * dev.duplex.net}); may change in any release.
 */
package dev.duplex.core.internal;

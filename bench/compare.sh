#!/usr/bin/env bash
# Load comparison of duplex against Netty (NIO, epoll), Jetty 12 and Java-WebSocket: see docs/benchmarks.md,
# "Load benchmarks vs Netty, Jetty, Java-WebSocket", and `bench/compare.sh --help`.
#
#   ./mvnw -q -B -ntp install -DskipTests -DskipFuzz=true -pl core,net,testkit
#   ./mvnw -q -B -ntp package -DskipTests -DskipFuzz=true -pl app,bench
#   bench/compare.sh --quick            # smoke test, a few minutes
#   bench/compare.sh --publish          # full run (30-45 min), chart copied to docs/img/benchmarks.svg
set -euo pipefail
# 10,000 connections need more open files than the usual 1,024 (the driver raises the limit again if it can).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec python3 "$(dirname "$0")/compare.py" "$@"

package dev.duplex.core;

/**
 * Limits and behaviour of one {@link WebSocketEngine}. Immutable; build with {@link #builder()}. One config may be
 * shared by any number of engines.
 *
 * <p>Defaults: frames and messages up to 16 MiB, whole messages delivered (not streamed), pings answered
 * automatically, outgoing messages sent as single frames.
 */
public final class EngineConfig {
    /** 16 MiB. */
    public static final long DEFAULT_MAX_SIZE = 16L << 20;

    private static final EngineConfig DEFAULTS = builder().build();

    private final long maxFrameSize;
    private final long maxMessageSize;
    private final boolean streaming;
    private final boolean autoPong;
    private final int fragmentSize;

    private EngineConfig(Builder b) {
        this.maxFrameSize = b.maxFrameSize;
        this.maxMessageSize = b.maxMessageSize;
        this.streaming = b.streaming;
        this.autoPong = b.autoPong;
        this.fragmentSize = b.fragmentSize;
    }

    public static EngineConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Largest payload of one incoming frame; a larger frame fails the connection with 1009. */
    public long maxFrameSize() {
        return maxFrameSize;
    }

    /**
     * Largest incoming message (after decompression); a larger one fails the connection with 1009 as soon as the
     * limit is crossed. Applies in streaming mode too unless set to {@link Long#MAX_VALUE}.
     */
    public long maxMessageSize() {
        return maxMessageSize;
    }

    /** When true, data arrives through {@link EngineHandler#onMessageChunk} as it is read, never assembled. */
    public boolean streaming() {
        return streaming;
    }

    /** When true (the default), every ping is answered with a pong carrying the same payload. */
    public boolean autoPong() {
        return autoPong;
    }

    /** Outgoing whole messages larger than this are split into fragments of this size; 0 means never split. */
    public int fragmentSize() {
        return fragmentSize;
    }

    public Builder toBuilder() {
        return new Builder().maxFrameSize(maxFrameSize).maxMessageSize(maxMessageSize).streaming(streaming)
                .autoPong(autoPong).fragmentSize(fragmentSize);
    }

    /** Builds an {@link EngineConfig}; every setter checks its argument. Not thread-safe. */
    public static final class Builder {
        private long maxFrameSize = DEFAULT_MAX_SIZE;
        private long maxMessageSize = DEFAULT_MAX_SIZE;
        private boolean streaming;
        private boolean autoPong = true;
        private int fragmentSize;

        private Builder() {
        }

        public Builder maxFrameSize(long bytes) {
            if (bytes < 125) {
                throw new IllegalArgumentException("maxFrameSize must be at least 125 (a control frame), was " + bytes);
            }
            this.maxFrameSize = bytes;
            return this;
        }

        public Builder maxMessageSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxMessageSize must not be negative, was " + bytes);
            }
            if (bytes > Integer.MAX_VALUE - 8 && bytes != Long.MAX_VALUE) {
                throw new IllegalArgumentException("maxMessageSize above 2 GiB needs streaming: use Long.MAX_VALUE");
            }
            this.maxMessageSize = bytes;
            return this;
        }

        public Builder streaming(boolean streaming) {
            this.streaming = streaming;
            return this;
        }

        public Builder autoPong(boolean autoPong) {
            this.autoPong = autoPong;
            return this;
        }

        public Builder fragmentSize(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("fragmentSize must not be negative, was " + bytes);
            }
            this.fragmentSize = bytes;
            return this;
        }

        public EngineConfig build() {
            if (!streaming && maxMessageSize == Long.MAX_VALUE) {
                throw new IllegalStateException("an unlimited maxMessageSize needs streaming(true)");
            }
            return new EngineConfig(this);
        }
    }
}

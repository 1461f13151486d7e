package dev.duplex.app.connect;

import dev.duplex.net.CloseEvent;
import dev.duplex.net.ErrorEvent;
import dev.duplex.net.MessageEvent;
import dev.duplex.net.WebSocket;
import dev.duplex.net.WebSocketBuilder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One {@code duplex connect} connection: opens it, then either sends one message and waits for the answer
 * ({@link #exec}) or sends what it reads line by line until the connection ends ({@link #converse}).
 *
 * <p><b>Which message answers:</b> a server may send messages of its own before or between answers (the hub's
 * welcome on open, events of a subscription). So a message counts as an answer only if it arrived after the
 * first message was sent; and for {@link #exec}, when the message sent is a JSON object with a string
 * {@code "id"} (as hub requests are), only a JSON object with the same {@code "id"} answers it. Without an id, a
 * greeting that the server sends at once but that reaches us after our send would still be taken: give the
 * request an id where the protocol has one.
 *
 * <p><b>Threading:</b> the socket's events run on the builder's event executor; the input is read on a thread of
 * its own; {@link #open}, {@link #exec} and {@link #converse} block the calling thread. Every wait is bounded
 * except {@link #converse}, which lasts as long as the connection.
 */
final class ConnectSession {
    /** Stop reading input while this many bytes wait to be written, so a fast pipe cannot fill memory. */
    private static final long SEND_HIGH_WATER = 1 << 20;
    /** Beyond the connect timeout, how long to wait for net to report the outcome of connecting. */
    private static final Duration SLACK = Duration.ofSeconds(5);
    /** Net ends a close handshake within its close timeout plus linger (5 s + 2 s by default). */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);

    private final WebSocketBuilder builder;
    private final ConsoleOutput console;
    private final MessageRenderer renderer;
    private final boolean echo;
    private final Duration lingerAtEnd;
    private final Object counts = new Object();
    private long sent; // guarded by counts
    private long received; // guarded by counts
    private final CompletableFuture<MessageEvent> firstMessage = new CompletableFuture<>();
    /**
     * Completed by our close listener, which runs after every message listener: unlike {@link WebSocket#whenClosed()}
     * (completed on the loop), waiting on it means every message has been printed.
     */
    private final CompletableFuture<CloseEvent> closed = new CompletableFuture<>();
    private volatile boolean printEveryMessage = true;
    /** Set just before the first send: messages dispatched before it are not answers. */
    private volatile boolean sentYet;
    /** With {@link #exec} of a JSON request with an "id": the id its answer carries. */
    private volatile String awaitedId;
    private volatile Throwable error;
    /** The code we closed with, or -1. */
    private volatile int ourCloseCode = -1;
    private WebSocket socket;

    /**
     * @param echo        send every message received back
     * @param lingerAtEnd at the end of the input, how long to wait for answers before closing (see {@link #converse})
     */
    ConnectSession(WebSocketBuilder builder, ConsoleOutput console, MessageRenderer renderer, boolean echo,
                   Duration lingerAtEnd) {
        this.builder = builder;
        this.console = console;
        this.renderer = renderer;
        this.echo = echo;
        this.lingerAtEnd = lingerAtEnd;
    }

    /**
     * Connects and prints the status lines.
     *
     * @return null once open, or why it could not open
     * @throws IllegalArgumentException for a header or subprotocol the handshake refuses (a usage error)
     */
    Outcome open(String url, Duration connectTimeout, List<String> offeredSubprotocols, boolean offeredCompression)
            throws InterruptedException {
        socket = builder.onMessage(this::onMessage)
                .onError(this::onError)
                .onClose(this::onClose)
                .connect();
        try {
            socket.whenOpen().get(connectTimeout.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return Outcome.connectFailed(url, e.getCause());
        } catch (TimeoutException e) {
            socket.close();
            return Outcome.connectFailed(url, e);
        }
        console.status("connected to " + url);
        if (!socket.protocol().isEmpty()) {
            console.status("subprotocol: " + socket.protocol());
        } else if (!offeredSubprotocols.isEmpty()) {
            console.status("subprotocol: none accepted by the server (offered " + String.join(", ",
                    offeredSubprotocols) + ")");
        }
        if (!socket.extensions().isEmpty()) {
            console.status("extensions: " + socket.extensions());
        }
        if (offeredCompression && !socket.extensions().contains("permessage-deflate")) {
            console.status("compression: not accepted by the server (messages go uncompressed)");
        }
        return null;
    }

    /**
     * Before {@link #open}: this session will {@link #exec}, so no message is printed until the answer (a
     * greeting that arrives before the send must not reach standard output).
     */
    void answerOnly() {
        printEveryMessage = false;
    }

    /** Sends {@code message}, prints its answer (see the class comment), closes with 1000. */
    Outcome exec(String message, Duration wait) throws InterruptedException {
        printEveryMessage = false;
        awaitedId = RequestId.of(message);
        sentYet = true;
        socket.send(message);
        MessageEvent answer;
        try {
            answer = firstMessage.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            closeByUs(1000, "");
            awaitClosed();
            return new Outcome(ExitCodes.TIMEOUT, "no answer within " + wait.toMillis() / 1000.0 + " s");
        } catch (ExecutionException e) {
            CloseEvent close = awaitClosed();
            Outcome outcome = close == null ? null : Outcome.closed(close, error, closedByUs(close));
            return new Outcome(outcome != null && outcome.exitCode() == ExitCodes.TIMEOUT ? ExitCodes.TIMEOUT
                    : ExitCodes.CLOSE_ERROR, "the connection closed before an answer arrived"
                    + (outcome == null || outcome.problem() == null ? "" : ": " + outcome.problem()));
        }
        console.received(renderer.render(answer));
        closeByUs(1000, "");
        return finish(awaitClosed());
    }

    /**
     * Sends each line of {@code input} (or runs it as a command) until the connection ends. At the end of the
     * input (unless echoing, where the server leads) it waits until at least as many messages have arrived as were
     * sent, at most {@code lingerAtEnd}, then closes with 1000: a request-response server gets to answer the
     * last lines before the close handshake makes it stop.
     */
    Outcome converse(InputStream input) throws InterruptedException {
        Thread reader = new Thread(() -> readLines(input), "duplex-connect-input");
        reader.setDaemon(true); // a blocked read of the terminal must not keep the process alive
        reader.start();
        if (console.interactive()) {
            console.status("type a message and press Enter to send it; /help lists the commands");
            console.prompt();
        }
        try {
            return finish(closed.get());
        } catch (ExecutionException e) {
            throw new IllegalStateException("the close future never fails", e);
        }
    }

    /** For Ctrl-C: closes with 1000 if still open and waits briefly for the close handshake. */
    void closeOnShutdown() {
        if (socket != null && socket.readyState() == WebSocket.OPEN) {
            closeByUs(1000, "");
            try {
                closed.get(2, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException ignored) {
                // exiting anyway
            }
        }
    }

    // ------------------------------------------------------------------------------------------- input

    private void readLines(InputStream input) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                console.lineEntered();
                if (socket.readyState() != WebSocket.OPEN) {
                    return;
                }
                if (console.interactive() && line.isEmpty()) {
                    console.prompt();
                    continue;
                }
                if (!handle(PromptInput.parse(line))) {
                    return;
                }
                console.prompt();
            }
        } catch (IOException e) {
            console.error("reading the input failed: " + e.getMessage());
        }
        if (!echo) { // in echo mode the server drives the session
            awaitAnswers();
            closeByUs(1000, "");
        }
    }

    private void awaitAnswers() {
        long deadline = System.nanoTime() + lingerAtEnd.toNanos();
        synchronized (counts) {
            long left;
            while (received < sent && socket.readyState() == WebSocket.OPEN
                    && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(counts, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Returns false when the input should stop (the connection is closing). */
    private boolean handle(PromptInput input) {
        if (input instanceof PromptInput.Text t) {
            return send(() -> socket.send(t.text()));
        } else if (input instanceof PromptInput.Binary b) {
            return send(() -> socket.send(b.data()));
        } else if (input instanceof PromptInput.Ping p) {
            socket.ping(p.payload()).whenComplete((rtt, e) -> {
                if (e == null) {
                    console.status(String.format("pong after %.1f ms", rtt.toNanos() / 1e6));
                } else {
                    console.error("no pong: " + (e.getCause() != null ? e.getCause() : e).getMessage());
                }
            });
        } else if (input instanceof PromptInput.Close c) {
            closeByUs(c.code(), c.reason());
            return false;
        } else if (input instanceof PromptInput.Quit) {
            closeByUs(1000, "");
            return false;
        } else if (input instanceof PromptInput.Help) {
            console.status(String.format(PromptInput.HELP));
        } else if (input instanceof PromptInput.Invalid i) {
            console.error(i.problem());
        }
        return true;
    }

    private boolean send(java.util.function.BooleanSupplier send) {
        while (socket.bufferedAmount() > SEND_HIGH_WATER && socket.readyState() == WebSocket.OPEN) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // net has no drain event for clients
        }
        synchronized (counts) { // counted before sending: the answer may be dispatched before send returns
            sent++;
            sentYet = true;
        }
        boolean queued = false;
        try {
            queued = send.getAsBoolean();
            if (!queued) {
                console.error("not sent: the connection is closing");
                return false;
            }
        } catch (RuntimeException e) {
            console.error("not sent: " + e.getMessage());
        } finally {
            if (!queued) {
                synchronized (counts) {
                    sent--;
                }
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------- events

    private void onMessage(MessageEvent message) {
        if (!printEveryMessage) { // exec: only its answer is printed, by exec itself
            if (sentYet) { // read before awaitedId: exec writes awaitedId first, then sentYet
                String id = awaitedId;
                if (id == null || message.isText() && id.equals(RequestId.of(message.text()))) {
                    firstMessage.complete(message);
                }
            }
            return;
        }
        try {
            console.received(renderer.render(message));
        } catch (RuntimeException | LinkageError e) {
            console.error("could not print a message: " + e);
        }
        if (echo && socket.readyState() == WebSocket.OPEN) {
            try {
                if (message.isText()) {
                    socket.send(message.text());
                } else {
                    socket.send(message.bytes());
                }
            } catch (RuntimeException e) {
                console.error("could not echo: " + e.getMessage());
            }
        }
        synchronized (counts) { // after printing: the input thread may close as soon as it sees the count
            if (sentYet) { // a greeting before our first line answers nothing
                received++;
                counts.notifyAll();
            }
        }
    }

    private void onError(ErrorEvent event) {
        error = event.cause();
    }

    private void onClose(CloseEvent event) {
        synchronized (counts) {
            counts.notifyAll();
        }
        firstMessage.completeExceptionally(new IOException("closed: " + Outcome.describe(event)));
        closed.complete(event);
    }

    // ------------------------------------------------------------------------------------------- ending

    private void closeByUs(int code, String reason) {
        if (ourCloseCode == -1) {
            ourCloseCode = code;
        }
        socket.close(code, reason);
    }

    /**
     * Whether the close was ours: the close event carries our code when we started the handshake and the
     * server's when it did (it may have closed first while our close was on its way: then the code differs).
     */
    private boolean closedByUs(CloseEvent close) {
        return close.code() == ourCloseCode;
    }

    /** The close event, or null if the connection did not end in time. */
    private CloseEvent awaitClosed() throws InterruptedException {
        try {
            return closed.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    private Outcome finish(CloseEvent close) {
        console.endPrompt();
        if (close == null) {
            return new Outcome(ExitCodes.TIMEOUT, "the close handshake did not end within " + CLOSE_WAIT.toSeconds() + " s");
        }
        console.status("closed: " + Outcome.describe(close) + (close.wasClean() ? "" : " (no close handshake)"));
        return Outcome.closed(close, error, closedByUs(close));
    }
}

package dev.nightshift.alerts;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook endpoint on 127.0.0.1 (any free port) that keeps every payload posted to it, for the demo and the tests:
 * point {@code nightshift.alerts.webhook-url} at {@link #url()} and print {@link #payloads()} afterwards. It answers
 * every POST with the status given at start (200 unless a test wants a failing webhook).
 */
public final class LocalWebhookReceiver implements AutoCloseable {
    private final HttpServer server;
    private final List<String> payloads = new CopyOnWriteArrayList<>();
    private final int status;

    private LocalWebhookReceiver(int status) throws IOException {
        this.status = status;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                if ("POST".equals(exchange.getRequestMethod())) {
                    payloads.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            byte[] body = (status / 100 == 2 ? "ok" : "refused").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** Starts a receiver answering 200. */
    public static LocalWebhookReceiver start() throws IOException {
        return new LocalWebhookReceiver(200);
    }

    /** Starts a receiver answering {@code status} to every request (e.g. 500 for a broken webhook). */
    public static LocalWebhookReceiver answering(int status) throws IOException {
        return new LocalWebhookReceiver(status);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/nightshift");
    }

    /** The bodies received so far, oldest first. */
    public List<String> payloads() {
        return List.copyOf(payloads);
    }

    /** Waits until at least {@code count} payloads arrived or {@code bound} passed; the payloads received by then. */
    public List<String> await(int count, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (payloads.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return payloads();
    }

    public int status() {
        return status;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

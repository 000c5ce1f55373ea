package dev.nightshift.alerts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Posts JSON to a Slack-compatible incoming webhook. Every attempt is bounded by {@code timeout} (connect, headers and
 * body together); connection errors, timeouts, 429 and 5xx are retried {@code retries} times after {@code backoff}
 * (doubling); other 4xx answers are not, since the same request would be refused again.
 */
public final class WebhookChannel {
    private static final int MAX_ERROR_BODY = 300;

    private final URI url;
    private final Duration timeout;
    private final int retries;
    private final Duration backoff;
    private final HttpClient http;

    public WebhookChannel(URI url, Duration timeout, int retries, Duration backoff) {
        this.url = Objects.requireNonNull(url, "url");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("alert webhook must be an http(s) URL, got '" + url + "'");
        }
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative, got " + retries);
        }
        this.retries = retries;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** How a delivery ended: accepted or not, after how many requests, and the last failure's reason. */
    public record Delivery(boolean accepted, int attempts, String lastError) {
    }

    /** The webhook's address without its path, which for Slack is the secret: safe to log. */
    public String target() {
        return url.getScheme() + "://" + url.getAuthority();
    }

    /** Posts {@code json}, retrying as described above; never throws for a failing webhook. */
    public Delivery post(String json) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
        String lastError = null;
        int attempt = 0;
        while (attempt <= retries) {
            if (attempt > 0 && !sleep(backoff.multipliedBy(1L << Math.min(attempt - 1, 16)))) {
                return new Delivery(false, attempt, lastError + "; interrupted before retrying");
            }
            attempt++;
            Attempt result = once(request);
            if (result.accepted()) {
                return new Delivery(true, attempt, null);
            }
            lastError = result.error();
            if (!result.retryable()) {
                break;
            }
        }
        return new Delivery(false, attempt, lastError);
    }

    private record Attempt(boolean accepted, boolean retryable, String error) {
    }

    private Attempt once(HttpRequest request) {
        CompletableFuture<HttpResponse<String>> response = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            // The request timeout covers only the wait for headers; this bound also covers a body that never ends.
            HttpResponse<String> r = response.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int status = r.statusCode();
            if (status >= 200 && status < 300) {
                return new Attempt(true, false, null);
            }
            String body = r.body() == null ? "" : r.body().strip();
            String error = "HTTP " + status + (body.isEmpty() ? "" : ": " + abbreviate(body));
            return new Attempt(false, status == 429 || status >= 500, error);
        } catch (TimeoutException e) {
            response.cancel(true);
            return new Attempt(false, true, "timed out after " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String what = cause instanceof java.net.http.HttpTimeoutException ? "timed out after " + timeout.toMillis() + " ms"
                    : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            return new Attempt(false, cause instanceof IOException, what);
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            return new Attempt(false, false, "interrupted while waiting for the webhook");
        }
    }

    private static boolean sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= MAX_ERROR_BODY ? one : one.substring(0, MAX_ERROR_BODY - 3) + "...";
    }
}

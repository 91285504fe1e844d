package io.starling.security;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP server on 127.0.0.1 and an ephemeral port for the JWKS and webhook tests: answers every request on one
 * path with what {@link #answer} says, counts requests and keeps their bodies.
 */
public final class TestHttpServer implements AutoCloseable {
    /** One answer: status and JSON body. */
    public record Answer(int status, String body) {
    }

    /** Decides the answer to a request body. */
    @FunctionalInterface
    public interface Handler {
        Answer answer(String requestBody) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final AtomicReference<Handler> handler;
    private final String path;

    private TestHttpServer(String path, Handler handler) throws IOException {
        this.path = path;
        this.handler = new AtomicReference<>(handler);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(path, this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static TestHttpServer start(String path, Handler handler) throws IOException {
        return new TestHttpServer(path, handler);
    }

    /** Answers every request with this status and body. */
    public static Handler always(int status, String body) {
        return request -> new Answer(status, body);
    }

    public void answer(Handler newHandler) {
        handler.set(newHandler);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public int requests() {
        return requests.get();
    }

    public List<String> bodies() {
        return List.copyOf(bodies);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            Answer answer;
            try {
                answer = handler.get().answer(body);
            } catch (Exception e) {
                answer = new Answer(500, "{}");
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

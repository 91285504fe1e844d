package io.starling.cli;

import io.starling.broker.Broker;
import io.starling.broker.config.BrokerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/** A broker the end-to-end tests run pub and sub against, on 127.0.0.1 and a free port. */
interface TestBroker extends AutoCloseable {

    int port();

    String name();

    @Override
    void close();

    /** Which brokers to test against; a parameter of the end-to-end tests. */
    enum Kind {
        MOSQUITTO {
            @Override
            TestBroker start() {
                return Mosquitto.start(true);
            }
        },
        STARLING {
            @Override
            TestBroker start() {
                return new Embedded(Broker.start(BrokerConfig.DEFAULT.withListener("127.0.0.1", 0)));
            }
        };

        abstract TestBroker start();
    }

    /** Starling itself, in this JVM. */
    record Embedded(Broker broker) implements TestBroker {
        @Override
        public int port() {
            return broker.port();
        }

        @Override
        public String name() {
            return "starling";
        }

        @Override
        public void close() {
            broker.close();
        }
    }

    /** Eclipse Mosquitto from the Debian package, as a child process: the reference the CLI is checked against. */
    final class Mosquitto implements TestBroker {
        private static final Path DEBIAN_BINARY = Path.of("/usr/sbin/mosquitto");

        private final Process process;
        private final int port;
        private final Path log;

        private Mosquitto(Process process, int port, Path log) {
            this.process = process;
            this.port = port;
            this.log = log;
        }

        static Mosquitto start(boolean allowAnonymous) {
            return start(allowAnonymous, null);
        }

        /**
         * @param acl the lines of a Mosquitto ACL file (anonymous clients may use only the topics it grants), or
         *            {@code null} for no access control
         */
        static Mosquitto start(boolean allowAnonymous, String acl) {
            try {
                Path dir = Files.createTempDirectory("starling-mosquitto");
                int port = freePort();
                String aclFile = "";
                if (acl != null) {
                    // Started as root, mosquitto reads the ACL file after switching to its own user.
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                    Path aclPath = Files.writeString(dir.resolve("acl"), acl);
                    Files.setPosixFilePermissions(aclPath, PosixFilePermissions.fromString("rw-r--r--"));
                    aclFile = "acl_file " + aclPath + "\n";
                }
                Path conf = Files.writeString(dir.resolve("mosquitto.conf"),
                        "listener " + port + " 127.0.0.1\nallow_anonymous " + allowAnonymous + "\n" + aclFile);
                Path log = dir.resolve("mosquitto.log");
                Process process = new ProcessBuilder(binary().toString(), "-c", conf.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                Mosquitto mosquitto = new Mosquitto(process, port, log);
                mosquitto.awaitListening();
                return mosquitto;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Path binary() {
            Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                    .filter(dir -> !dir.isEmpty())
                    .map(dir -> Path.of(dir, "mosquitto"));
            return Stream.concat(Stream.of(DEBIAN_BINARY), onPath)
                    .filter(Files::isExecutable)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("mosquitto not found (looked at " + DEBIAN_BINARY
                            + " and on PATH): install the Debian package 'mosquitto' (.ci/run does)"));
        }

        private void awaitListening() {
            await("mosquitto listening on " + port).atMost(Duration.ofSeconds(15)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto exited with " + process.exitValue() + ": "
                            + Files.readString(log));
                }
                try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public String name() {
            return "mosquitto";
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteDirectory(log.getParent());
        }

        private static void deleteDirectory(Path dir) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A port nothing listens on right now: bound by the system, then released. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

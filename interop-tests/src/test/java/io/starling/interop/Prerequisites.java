package io.starling.interop;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The programs and packages the foreign clients need, checked once each. A missing one fails every test of that
 * client with a message naming the package to install (never a silent skip): .ci/run installs them all.
 */
final class Prerequisites {
    /** Debian's interpreter: python3-paho-mqtt installs for it, not for any other python3 on the PATH. */
    static final String PYTHON = "/usr/bin/python3";

    private static final Map<String, Result> CHECKED = new ConcurrentHashMap<>();

    private Prerequisites() {
    }

    /** The outcome of one check: the answer, or the reason it failed. */
    private record Result(String value, String problem) {
        String orFail() {
            if (problem != null) {
                throw new AssertionError(problem);
            }
            return value;
        }
    }

    static void requireMosquittoClients() {
        CHECKED.computeIfAbsent("mosquitto", key -> {
            for (String tool : List.of(MosquittoDriver.SUB, MosquittoDriver.PUB, "/usr/bin/stdbuf")) {
                if (!Files.isExecutable(Path.of(tool))) {
                    return new Result(null, tool + " is missing: install the Debian package "
                            + (tool.endsWith("stdbuf") ? "coreutils" : "mosquitto-clients") + " (.ci/run does)");
                }
            }
            return new Result("ok", null);
        }).orFail();
    }

    /** {@code [node, .../agent.js]}, once node runs and MQTT.js is installed next to the script. */
    static List<String> requireMqttJs() {
        String nodeDirectory = CHECKED.computeIfAbsent("mqtt.js", key -> {
            Result node = run(List.of("node", "--version"));
            if (node.problem() != null) {
                return new Result(null, "MQTT.js needs Node.js: install the Debian package nodejs (.ci/run does); "
                        + "`node --version` failed: " + node.problem());
            }
            Path directory = nodeDirectory();
            if (!Files.isRegularFile(directory.resolve("node_modules/mqtt/package.json"))) {
                return new Result(null, "MQTT.js (npm package mqtt) is not installed in " + directory
                        + ": the Maven build runs `npm ci` there (generate-test-resources); run "
                        + "./mvnw -pl interop-tests verify, which needs npm (Debian package npm, or the one that "
                        + "comes with Node.js)");
            }
            return new Result(directory.toString(), null);
        }).orFail();
        return List.of("node", Path.of(nodeDirectory, "agent.js").toString());
    }

    /** {@code [/usr/bin/python3, .../agent.py]}, once Debian's paho-mqtt imports. */
    static List<String> requirePahoPython() {
        CHECKED.computeIfAbsent("paho-python", key -> {
            Result imported = run(List.of(PYTHON, "-c", "import paho.mqtt.client"));
            if (imported.problem() != null) {
                String lastLine = imported.problem().lines().reduce((first, second) -> second).orElse("");
                return new Result(null, "paho-mqtt for Python is missing: install the Debian package "
                        + "python3-paho-mqtt (.ci/run does); " + PYTHON + " -c 'import paho.mqtt.client' said: "
                        + lastLine);
            }
            return new Result("ok", null);
        }).orFail();
        return List.of(PYTHON, pythonDirectory().resolve("agent.py").toString());
    }

    /** Exact versions of every client, as found on this machine, for the matrix; "missing: ..." when absent. */
    static Map<String, String> versions() {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("Eclipse Paho Java v3 and v5", "org.eclipse.paho " + property("interop.paho.version"));
        versions.put("HiveMQ MQTT Client", "com.hivemq:hivemq-mqtt-client " + property("interop.hivemq.version"));
        // --help is the only way to get the version printed, and it exits with 1.
        Result help = run(List.of(MosquittoDriver.SUB, "--help"), true);
        versions.put("mosquitto_pub / mosquitto_sub", help.problem() != null ? describe(help)
                : help.value().lines().filter(line -> line.contains(" version ")).findFirst().orElse("?").strip());
        versions.put("MQTT.js", "mqtt " + mqttJsVersion() + " on Node.js "
                + describe(run(List.of("node", "--version"))));
        versions.put("paho-mqtt (Python)", describe(run(List.of(PYTHON, "-c",
                "import sys, paho.mqtt; print('paho-mqtt', paho.mqtt.__version__, 'on Python', sys.version.split()[0])"))));
        return versions;
    }

    private static String mqttJsVersion() {
        try {
            return new ObjectMapper().readTree(nodeDirectory().resolve("node_modules/mqtt/package.json").toFile())
                    .path("version").asText("?");
        } catch (IOException e) {
            return "missing (" + e.getMessage() + ")";
        }
    }

    private static String describe(Result result) {
        return result.problem() != null ? "missing (" + result.problem() + ")"
                : result.value().lines().findFirst().orElse("").strip();
    }

    private static Path nodeDirectory() {
        return Path.of(property("interop.node.dir"));
    }

    private static Path pythonDirectory() {
        return Path.of(property("interop.python.dir"));
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new AssertionError("system property " + name + " is not set: run the tests through Maven "
                    + "(./mvnw -pl interop-tests verify), whose surefire configuration sets it");
        }
        return value;
    }

    /** Runs a short command; its output, or why it failed. Bounded: a hung command is killed. */
    private static Result run(List<String> command) {
        return run(command, false);
    }

    private static Result run(List<String> command, boolean anyExitCode) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(Timeouts.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Result(null, String.join(" ", command) + " did not finish within " + Timeouts.WAIT);
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0 && !anyExitCode) {
                return new Result(null, "exit code " + process.exitValue() + ": " + output);
            }
            return new Result(output, null);
        } catch (IOException e) {
            return new Result(null, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(null, "interrupted");
        }
    }
}

package io.starling.security;

import io.starling.broker.spi.ClientInfo;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.security.AclAuthorizer.SubscribePolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same acl_file and password file given to a real Mosquitto and to {@link AclAuthorizer}: for each case of a
 * table, Mosquitto's decision is observed with mosquitto_pub / mosquitto_sub and must equal Starling's.
 *
 * <p>Observing a denial without waiting for a timeout: after the message under test, the same client (write case)
 * or the same privileged publisher (read case) sends a sentinel message that is always allowed. Mosquitto delivers
 * one sender's messages to one subscriber in order, so once the sentinel has arrived, the message under test has
 * arrived before it, or never will.
 */
class AclMosquittoDifferentialTest {
    private static final String ACL = """
            # anonymous clients
            topic read public/#
            topic deny public/secret
            topic readwrite sentinel/#

            user admin
            topic readwrite #
            topic readwrite $SYS/#

            user alice
            topic readwrite sentinel/#
            topic write alice/out
            topic read shared/+/temp
            topic deny shared/x/temp
            topic read shared/#
            topic write my topic

            user carol
            topic readwrite sentinel/#
            topic deny devices/carol-dev/data

            user plus+user
            topic readwrite sentinel/#
            topic read own/topic

            user bob/x
            topic readwrite sentinel/#

            user dave
            topic readwrite sentinel/#

            pattern readwrite devices/%c/data
            pattern read users/%u/#
            pattern write pre_%c/x
            pattern deny devices/blocked/data
            """;
    private static final List<String> USERS = List.of("admin", "alice", "carol", "plus+user", "bob/x", "dave");

    enum Kind { READ, WRITE }

    /** One access; {@code filter} is what the reader subscribes to (unused for writes). */
    record Case(int id, Kind kind, String user, String clientId, String filter, String topic, boolean expected,
                String why) {
        @Override
        public String toString() {
            return "#" + id + " " + kind + " user=" + user + " id=" + clientId
                    + (kind == Kind.READ ? " filter=" + filter : "") + " topic=" + topic + " (" + why + ")";
        }
    }

    private static final List<Case> CASES = List.of(
            new Case(1, Kind.WRITE, "alice", "c1", null, "alice/out", true, "user rule grants write"),
            new Case(2, Kind.WRITE, "alice", "c2", null, "shared/y/temp", false, "a read rule grants no write"),
            new Case(3, Kind.READ, "alice", "c3", "shared/#", "shared/y/temp", true, "read rule"),
            new Case(4, Kind.READ, "alice", "c4", "shared/#", "shared/x/temp", false, "deny wins over rules around it"),
            new Case(5, Kind.READ, "alice", "c5", "shared/#", "shared/x/other", true, "read through shared/#"),
            new Case(6, Kind.READ, "alice", "c6", "shared/y/temp", "shared/y/temp", true, "exact filter"),
            new Case(7, Kind.READ, "alice", "c7", "shared/x/temp", "shared/x/temp", false, "exact filter, denied"),
            new Case(8, Kind.READ, null, "c8", "public/#", "public/news", true, "anonymous section"),
            new Case(9, Kind.READ, null, "c9", "public/#", "public/secret", false, "deny in anonymous section"),
            new Case(10, Kind.READ, "alice", "c10", "public/#", "public/news", false, "anonymous rules skip users"),
            new Case(11, Kind.WRITE, null, "c11", null, "public/news", false, "read-only for anonymous"),
            new Case(12, Kind.WRITE, "alice", "devA", null, "devices/devA/data", true, "%c pattern"),
            new Case(13, Kind.WRITE, "alice", "devB", null, "devices/other/data", false, "another client's topic"),
            new Case(14, Kind.WRITE, null, "devC", null, "devices/devC/data", true, "patterns apply to anonymous"),
            new Case(15, Kind.READ, null, "c15", "users/#", "users/c15/x", false, "%u patterns skip anonymous"),
            new Case(16, Kind.READ, "alice", "c16", "users/alice/#", "users/alice/inbox", true, "%u pattern"),
            new Case(17, Kind.READ, "alice", "c17", "users/alice/#", "users/alice", true, "'#' matches parent"),
            new Case(18, Kind.READ, "alice", "p+q", "users/alice/#", "users/alice/inbox", false, "'+' in id: no patterns"),
            new Case(19, Kind.WRITE, "alice", "x+y", null, "alice/out", true, "section rules before the '+' check"),
            new Case(20, Kind.WRITE, "alice", "x/y", null, "devices/x/y/data", true, "'/' in id substituted as is"),
            new Case(21, Kind.WRITE, "plus+user", "c21", null, "devices/c21/data", false, "'+' in user name"),
            new Case(22, Kind.READ, "plus+user", "c22", "own/topic", "own/topic", true, "own section still applies"),
            new Case(23, Kind.WRITE, "bob/x", "c23", null, "devices/c23/data", true, "'/' in user name is fine"),
            new Case(24, Kind.WRITE, "alice", "devD", null, "pre_devD/x", true, "%c inside a level"),
            new Case(25, Kind.WRITE, "carol", "carol-dev", null, "devices/carol-dev/data", false, "user deny first"),
            new Case(26, Kind.WRITE, "alice", "blocked", null, "devices/blocked/data", false, "deny pattern wins"),
            new Case(27, Kind.WRITE, "admin", "c27", null, "$SYS/test", false, "$SYS is never writable"),
            new Case(28, Kind.READ, "admin", "c28", "#", "any/thing", true, "admin reads all"),
            new Case(29, Kind.WRITE, "dave", "c29", null, "alice/out", false, "another user's rule"),
            new Case(30, Kind.WRITE, "alice", "c30", null, "my topic", true, "filter with a space"),
            new Case(31, Kind.READ, "alice", "c31", "shared/+/temp", "shared/z/temp", true, "read through +"));

    @TempDir
    static Path dir;

    private static Mosquitto mosquitto;
    private static Mosquitto.Running watcher;
    private static AclAuthorizer likeMosquitto;
    private static AclAuthorizer wholeFilter;

    @BeforeAll
    static void startMosquitto() throws IOException {
        Path passwords = dir.resolve("passwd");
        for (int i = 0; i < USERS.size(); i++) {
            PasswdTool.setPassword(passwords, USERS.get(i), password(USERS.get(i)).toCharArray(), i == 0);
        }
        Path acl = Files.writeString(dir.resolve("acl"), ACL);
        mosquitto = Mosquitto.start(dir, List.of("allow_anonymous true", "password_file " + passwords,
                "acl_file " + acl));
        likeMosquitto = AclAuthorizer.of(AclFile.load(acl), SubscribePolicy.LIKE_MOSQUITTO);
        wholeFilter = AclAuthorizer.of(AclFile.load(acl), SubscribePolicy.WHOLE_FILTER);
        watcher = new Mosquitto.Running(subscribeCommand("admin", "watcher", "#", "$SYS/#"));
        watcher.awaitLine(line -> line.startsWith("Subscribed"));
    }

    @AfterAll
    static void stopMosquitto() {
        if (watcher != null) {
            watcher.close();
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    private static String password(String user) {
        return user + "-password";
    }

    private static List<String> subscribeCommand(String user, String clientId, String... filters) {
        List<String> command = new ArrayList<>(List.of(Mosquitto.SUB));
        command.addAll(mosquitto.connection(clientId, user, user == null ? null : password(user)));
        for (String filter : filters) {
            command.addAll(List.of("-t", filter));
        }
        command.addAll(List.of("-v", "-q", "1", "-d"));
        return command;
    }

    private static void publish(String user, String clientId, String topic, String payload) {
        List<String> command = new ArrayList<>(List.of(Mosquitto.PUB));
        command.addAll(mosquitto.connection(clientId, user, user == null ? null : password(user)));
        command.addAll(List.of("-t", topic, "-m", payload, "-q", "1"));
        Mosquitto.Result result = Mosquitto.run(command);
        assertThat(result.exitCode()).as("%s: %s", command, result.output()).isZero();
    }

    private static String marker(String what, Case c) {
        return "[" + what + "-" + c.id() + "]";
    }

    /** Mosquitto's decision, observed. */
    private static boolean observe(Case c) {
        String sentinelTopic = "sentinel/" + c.id();
        if (c.kind() == Kind.WRITE) {
            publish(c.user(), c.clientId(), c.topic(), marker("case", c));
            publish(c.user(), c.clientId(), sentinelTopic, marker("sentinel", c));
            List<String> seen = watcher.awaitLine(line -> line.endsWith(marker("sentinel", c)));
            return seen.stream().anyMatch(line -> line.endsWith(marker("case", c)));
        }
        try (Mosquitto.Running reader = new Mosquitto.Running(
                subscribeCommand(c.user(), c.clientId(), c.filter(), sentinelTopic))) {
            reader.awaitLine(line -> line.startsWith("Subscribed"));
            publish("admin", "admin-" + c.id() + "-a", c.topic(), marker("case", c));
            publish("admin", "admin-" + c.id() + "-b", sentinelTopic, marker("sentinel", c));
            List<String> seen = reader.awaitLine(line -> line.endsWith(marker("sentinel", c)));
            return seen.stream().anyMatch(line -> line.endsWith(marker("case", c)));
        }
    }

    private static boolean starling(AclAuthorizer acl, Case c) {
        ClientInfo client = new ClientInfo(c.clientId(), c.user(), MqttVersion.MQTT_3_1_1, null, "default");
        if (c.kind() == Kind.WRITE) {
            return acl.mayPublish(client, c.topic(), QoS.AT_LEAST_ONCE, false);
        }
        return acl.maySubscribe(client, c.filter(), QoS.AT_LEAST_ONCE)
                && acl.mayReceive(client, c.topic(), QoS.AT_LEAST_ONCE, false);
    }

    @Test
    void aclDecisionsAreMosquittosOnEveryCase() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Boolean>> observations = new ArrayList<>();
        try {
            for (Case c : CASES) {
                observations.add(pool.submit(() -> observe(c)));
            }
            List<String> mismatches = new ArrayList<>();
            for (int i = 0; i < CASES.size(); i++) {
                Case c = CASES.get(i);
                boolean mosquittoSays = observations.get(i).get(60, TimeUnit.SECONDS);
                boolean starlingSays = starling(likeMosquitto, c);
                boolean strictSays = starling(wholeFilter, c);
                if (mosquittoSays != c.expected()) {
                    mismatches.add(c + ": Mosquitto says " + mosquittoSays + ", the table expects " + c.expected());
                }
                if (starlingSays != mosquittoSays) {
                    mismatches.add(c + ": Starling (LIKE_MOSQUITTO) says " + starlingSays + ", Mosquitto " + mosquittoSays);
                }
                if (strictSays && !mosquittoSays) {
                    mismatches.add(c + ": Starling (WHOLE_FILTER) allows what Mosquitto denies");
                }
                boolean exactFilter = c.kind() == Kind.WRITE || c.filter().equals(c.topic());
                if (exactFilter && strictSays != mosquittoSays) {
                    mismatches.add(c + ": Starling (WHOLE_FILTER) says " + strictSays + " on an exact filter, Mosquitto "
                            + mosquittoSays);
                }
            }
            assertThat(mismatches).as("Mosquitto log:%n%s", mosquitto.logText()).isEmpty();
            assertThat(CASES).extracting(Case::expected).contains(true, false);
        } finally {
            pool.shutdownNow();
        }
    }
}

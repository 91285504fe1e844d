package io.starling.security;

import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Password files cross the border in both directions: files written by the real {@code mosquitto_passwd} are
 * accepted by Starling as they are, and files written by {@link PasswdTool} are accepted by the real Mosquitto.
 */
class MosquittoPasswordInteropTest {

    @TempDir
    Path dir;

    private static void mosquittoPasswd(String... args) {
        List<String> command = new ArrayList<>(List.of(Mosquitto.PASSWD));
        command.addAll(List.of(args));
        Mosquitto.Result result = Mosquitto.run(command);
        assertThat(result.exitCode()).as("%s: %s", command, result.output()).isZero();
    }

    private static AuthenticationResult authenticate(PasswordFileAuthenticator authenticator, String user,
                                                     String password) throws Exception {
        AuthenticationRequest request = new AuthenticationRequest("client-1", user,
                password.getBytes(StandardCharsets.UTF_8), MqttVersion.MQTT_3_1_1, null, "default");
        return authenticator.authenticate(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void fileWrittenByMosquittoPasswdIsAcceptedAsIs() throws Exception {
        Path file = dir.resolve("passwd");
        mosquittoPasswd("-c", "-b", file.toString(), "alice", "alice-secret");
        mosquittoPasswd("-b", file.toString(), "bob", "with spaces: and colon");
        mosquittoPasswd("-b", file.toString(), "ünïcödé user", "pässwörd");
        mosquittoPasswd("-b", file.toString(), "empty", "");
        mosquittoPasswd("-H", "sha512", "-b", file.toString(), "legacy", "old-style"); // $6$
        mosquittoPasswd("-b", file.toString(), "alice", "changed"); // update in place
        assertThat(Files.readString(file)).contains("legacy:$6$").contains("alice:$7$101$");

        try (PasswordFileAuthenticator authenticator = PasswordFileAuthenticator.start(file,
                PasswordFileAuthenticator.Options.defaults().withReloadInterval(Duration.ZERO))) {
            assertThat(authenticator.passwordFile().problems()).isEmpty();
            assertThat(authenticate(authenticator, "alice", "changed")).isEqualTo(AuthenticationResult.accept("alice"));
            assertThat(authenticate(authenticator, "bob", "with spaces: and colon"))
                    .isEqualTo(AuthenticationResult.accept("bob"));
            assertThat(authenticate(authenticator, "ünïcödé user", "pässwörd"))
                    .isEqualTo(AuthenticationResult.accept("ünïcödé user"));
            assertThat(authenticate(authenticator, "empty", "")).isEqualTo(AuthenticationResult.accept("empty"));
            assertThat(authenticate(authenticator, "legacy", "old-style")).isEqualTo(AuthenticationResult.accept("legacy"));

            for (String[] wrong : new String[][] {{"alice", "alice-secret"}, {"bob", "with spaces"},
                    {"empty", " "}, {"legacy", "old-style "}, {"carol", "changed"}}) {
                AuthenticationResult result = authenticate(authenticator, wrong[0], wrong[1]);
                assertThat(result).as("%s / %s", wrong[0], wrong[1]).isInstanceOf(AuthenticationResult.Refused.class);
                assertThat(((AuthenticationResult.Refused) result).reasonCode())
                        .isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
            }
        }
    }

    @Test
    void fileWrittenByPasswdToolIsAcceptedByMosquitto() throws Exception {
        Path file = dir.resolve("passwd");
        PasswdTool.setPassword(file, "alice", "alice-secret".toCharArray(), true);
        PasswdTool.setPassword(file, "bob", "first".toCharArray(), false);
        PasswdTool.setPassword(file, "bob", "with spaces: and colon".toCharArray(), false); // update
        PasswdTool.setPassword(file, "ünïcödé user", "pässwörd".toCharArray(), false);
        PasswdTool.setPassword(file, "hardened", "many-rounds".toCharArray(), false, 20_000);
        PasswdTool.setPassword(file, "gone", "x".toCharArray(), false);
        assertThat(PasswdTool.deleteUser(file, "gone")).isTrue();

        try (Mosquitto mosquitto = Mosquitto.start(dir, List.of("allow_anonymous false",
                "password_file " + file))) {
            assertThat(publish(mosquitto, "alice", "alice-secret")).as(mosquitto.logText()).isZero();
            assertThat(publish(mosquitto, "bob", "with spaces: and colon")).as(mosquitto.logText()).isZero();
            assertThat(publish(mosquitto, "ünïcödé user", "pässwörd")).as(mosquitto.logText()).isZero();
            assertThat(publish(mosquitto, "hardened", "many-rounds")).as(mosquitto.logText()).isZero();

            assertThat(publish(mosquitto, "alice", "wrong")).isNotZero();
            assertThat(publish(mosquitto, "bob", "first")).isNotZero();
            assertThat(publish(mosquitto, "gone", "x")).isNotZero();
            assertThat(publish(mosquitto, "nobody", "alice-secret")).isNotZero();
        }
    }

    private static int publish(Mosquitto mosquitto, String user, String password) {
        List<String> command = new ArrayList<>(List.of(Mosquitto.PUB));
        command.addAll(mosquitto.connection("interop-" + Math.abs(user.hashCode()), user, password));
        command.addAll(List.of("-t", "interop/test", "-m", "hello", "-q", "1"));
        return Mosquitto.run(command).exitCode();
    }
}

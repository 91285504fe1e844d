package io.starling.security.ldap;

import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LdapAuthenticatorTest {
    private TestDirectory directory;
    private LdapAuthenticator authenticator;

    @BeforeEach
    void startDirectory() throws Exception {
        directory = TestDirectory.start();
    }

    @AfterEach
    void stop() {
        if (authenticator != null) {
            authenticator.close();
        }
        directory.close();
    }

    private LdapAuthenticator bindDn() {
        authenticator = LdapAuthenticator.start(LdapAuthenticator.Options.bindDn(directory.url(),
                "uid=%u," + TestDirectory.PEOPLE).withTimeout(Duration.ofSeconds(3)));
        return authenticator;
    }

    private LdapAuthenticator searchByMail(String bindDn, String bindPassword) {
        authenticator = LdapAuthenticator.start(LdapAuthenticator.Options.searchThenBind(directory.url(),
                TestDirectory.PEOPLE, "(&(objectClass=inetOrgPerson)(mail=%u))", bindDn, bindPassword)
                .withTimeout(Duration.ofSeconds(3)));
        return authenticator;
    }

    static AuthenticationResult authenticate(LdapAuthenticator authenticator, String user, String password)
            throws Exception {
        return authenticator.authenticate(new AuthenticationRequest("client-1", user,
                password == null ? null : password.getBytes(StandardCharsets.UTF_8), MqttVersion.MQTT_3_1_1, null,
                "default")).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static void assertRefused(AuthenticationResult result, ReasonCode code) {
        assertThat(result).isInstanceOfSatisfying(AuthenticationResult.Refused.class,
                refused -> assertThat(refused.reasonCode()).isEqualTo(code));
    }

    @Test
    void rightPasswordBindsAndIsAcceptedWithTheDn() throws Exception {
        AuthenticationResult result = authenticate(bindDn(), "alice", "wonderland");

        assertThat(result).isInstanceOfSatisfying(AuthenticationResult.Accepted.class, accepted -> {
            assertThat(accepted.username()).isEqualTo("alice");
            assertThat(accepted.attributes()).containsEntry(LdapAuthenticator.DN_ATTRIBUTE,
                    List.of("uid=alice," + TestDirectory.PEOPLE));
        });
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameRefusal() throws Exception {
        LdapAuthenticator ldap = bindDn();

        AuthenticationResult wrong = authenticate(ldap, "alice", "not-it");
        AuthenticationResult unknown = authenticate(ldap, "mallory", "wonderland");

        assertRefused(wrong, ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(unknown).isEqualTo(wrong);
    }

    @Test
    void emptyPasswordIsRefusedWithoutAnUnauthenticatedBind() throws Exception {
        LdapAuthenticator ldap = bindDn();

        assertRefused(authenticate(ldap, "alice", ""), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertRefused(authenticate(ldap, "alice", null), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertRefused(authenticate(ldap, null, "wonderland"), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertRefused(authenticate(ldap, "", "wonderland"), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void userNameCannotReshapeTheDn() throws Exception {
        LdapAuthenticator ldap = bindDn();

        // Unescaped, this would bind as the service account, whose password the attacker presents.
        assertRefused(authenticate(ldap, "x,ou=nowhere", "wonderland"), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertRefused(authenticate(ldap, "alice,ou=people,dc=example,dc=com", "wonderland"),
                ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void searchThenBindFindsTheEntryAsTheServiceAccount() throws Exception {
        LdapAuthenticator ldap = searchByMail(TestDirectory.SERVICE_DN, TestDirectory.SERVICE_PASSWORD);

        assertThat(authenticate(ldap, "bob@example.com", "builder")).isInstanceOfSatisfying(
                AuthenticationResult.Accepted.class, accepted -> assertThat(accepted.attributes())
                        .containsEntry(LdapAuthenticator.DN_ATTRIBUTE, List.of("uid=bob," + TestDirectory.PEOPLE)));
        assertRefused(authenticate(ldap, "bob@example.com", "wrong"), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertRefused(authenticate(ldap, "nobody@example.com", "builder"), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void searchThatFindsSeveralEntriesOrIsInjectedIsRefused() throws Exception {
        LdapAuthenticator ldap = searchByMail(null, null);

        assertRefused(authenticate(ldap, "twin@example.com", "same"), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        // A filter injection would match every entry; escaped, it matches none.
        assertRefused(authenticate(ldap, "*", "builder"), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertRefused(authenticate(ldap, "bob@example.com)(|(mail=*", "builder"),
                ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(authenticate(ldap, "bob@example.com", "builder")).isInstanceOf(AuthenticationResult.Accepted.class);
    }

    @Test
    void serviceAccountThatCannotBindMakesTheDirectoryUnavailable() throws Exception {
        LdapAuthenticator ldap = searchByMail(TestDirectory.SERVICE_DN, "wrong-service-password");

        assertRefused(authenticate(ldap, "bob@example.com", "builder"), ReasonCode.SERVER_UNAVAILABLE);
    }

    @Test
    void directoryDownRefusesWithServerUnavailable() throws Exception {
        LdapAuthenticator ldap = bindDn();
        assertThat(authenticate(ldap, "alice", "wonderland")).isInstanceOf(AuthenticationResult.Accepted.class);

        directory.stopListening();

        assertRefused(authenticate(ldap, "alice", "wonderland"), ReasonCode.SERVER_UNAVAILABLE);
    }

    @Test
    void dnValuesAreEscapedAsRfc4514Says() {
        assertThat(LdapAuthenticator.escapeDnValue("alice")).isEqualTo("alice");
        assertThat(LdapAuthenticator.escapeDnValue("a,b+c=d")).isEqualTo("a\\,b\\+c\\=d");
        assertThat(LdapAuthenticator.escapeDnValue(" #lead")).isEqualTo("\\ #lead");
        assertThat(LdapAuthenticator.escapeDnValue("#x ")).isEqualTo("\\#x\\ ");
        assertThat(LdapAuthenticator.escapeDnValue("q\"<>;\\")).isEqualTo("q\\\"\\<\\>\\;\\\\");
        assertThat(LdapAuthenticator.escapeDnValue("nul\0")).isEqualTo("nul\\00");
    }
}

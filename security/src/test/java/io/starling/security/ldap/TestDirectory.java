package io.starling.security.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;

import java.net.InetAddress;

/** An in-memory LDAP directory on 127.0.0.1 and an ephemeral port, with a few people and a service account. */
public final class TestDirectory implements AutoCloseable {
    public static final String BASE = "dc=example,dc=com";
    public static final String PEOPLE = "ou=people," + BASE;
    public static final String SERVICE_DN = "cn=starling,ou=services," + BASE;
    public static final String SERVICE_PASSWORD = "service-secret";

    private final InMemoryDirectoryServer server;

    private TestDirectory(InMemoryDirectoryServer server) {
        this.server = server;
    }

    public static TestDirectory start() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap",
                InetAddress.getByName("127.0.0.1"), 0, null));
        config.setSchema(null); // no schema checks: the entries below only need to exist
        InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
        server.add("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: example");
        server.add("dn: " + PEOPLE, "objectClass: top", "objectClass: organizationalUnit", "ou: people");
        server.add("dn: ou=services," + BASE, "objectClass: top", "objectClass: organizationalUnit", "ou: services");
        server.add("dn: " + SERVICE_DN, "objectClass: top", "objectClass: person", "cn: starling", "sn: service",
                "userPassword: " + SERVICE_PASSWORD);
        server.add("dn: uid=alice," + PEOPLE, "objectClass: top", "objectClass: inetOrgPerson", "uid: alice",
                "mail: alice@example.com", "cn: Alice", "sn: A", "userPassword: wonderland");
        server.add("dn: uid=bob," + PEOPLE, "objectClass: top", "objectClass: inetOrgPerson", "uid: bob",
                "mail: bob@example.com", "cn: Bob", "sn: B", "userPassword: builder");
        // Two entries with the same mail: a search for it is ambiguous.
        server.add("dn: uid=twin1," + PEOPLE, "objectClass: top", "objectClass: inetOrgPerson", "uid: twin1",
                "mail: twin@example.com", "cn: Twin", "sn: T", "userPassword: same");
        server.add("dn: uid=twin2," + PEOPLE, "objectClass: top", "objectClass: inetOrgPerson", "uid: twin2",
                "mail: twin@example.com", "cn: Twin", "sn: T", "userPassword: same");
        server.startListening();
        return new TestDirectory(server);
    }

    public String url() {
        return "ldap://127.0.0.1:" + server.getListenPort();
    }

    public void stopListening() {
        server.shutDown(true);
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}

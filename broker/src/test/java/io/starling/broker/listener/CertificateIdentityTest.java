package io.starling.broker.listener;

import io.starling.broker.config.CertificateUsername;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;

import static org.assertj.core.api.Assertions.assertThat;

class CertificateIdentityTest {
    private static TestPki.Issued authority;
    private static X509Certificate device;

    @BeforeAll
    static void issue() throws Exception {
        authority = TestPki.authority("Test CA");
        device = TestPki.leaf(authority, "CN=device-7,OU=sensors,O=Acme",
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://acme/device-7"),
                new GeneralName(GeneralName.dNSName, "device-7.acme.test"),
                new GeneralName(GeneralName.dNSName, "second.acme.test"),
                new GeneralName(GeneralName.rfc822Name, "device-7@acme.test"),
                new GeneralName(GeneralName.iPAddress, "192.0.2.7")).certificate();
    }

    @Test
    void commonNameIsTheSubjectsCn() {
        assertThat(CertificateIdentity.of(device, CertificateUsername.CN)).contains("device-7");
    }

    @Test
    void alternativeNamesAreTheFirstOfTheirType() {
        assertThat(CertificateIdentity.of(device, CertificateUsername.SAN_DNS)).contains("device-7.acme.test");
        assertThat(CertificateIdentity.of(device, CertificateUsername.SAN_EMAIL)).contains("device-7@acme.test");
        assertThat(CertificateIdentity.of(device, CertificateUsername.SAN_URI)).contains("spiffe://acme/device-7");
        assertThat(CertificateIdentity.of(device, CertificateUsername.SAN_IP)).contains("192.0.2.7");
    }

    @Test
    void missingPartsGiveNoIdentity() throws Exception {
        X509Certificate bare = TestPki.leaf(authority, "O=Acme").certificate();

        assertThat(CertificateIdentity.of(bare, CertificateUsername.CN)).isEmpty();
        assertThat(CertificateIdentity.of(bare, CertificateUsername.SAN_DNS)).isEmpty();
        assertThat(CertificateIdentity.of(device, CertificateUsername.NONE)).isEmpty();
    }

    @Test
    void theCnFirstInRfc2253OrderWinsWhenThereAreSeveral() throws Exception {
        // Encoded in the order written here; RFC 2253 prints the encoding's last RDN first ("CN=inner,CN=outer"):
        // the most specific one by X.500 convention.
        X509Certificate twoCns = TestPki.leaf(authority, "CN=outer,CN=inner").certificate();

        assertThat(twoCns.getSubjectX500Principal().getName()).isEqualTo("CN=inner,CN=outer");
        assertThat(CertificateIdentity.of(twoCns, CertificateUsername.CN)).contains("inner");
    }
}

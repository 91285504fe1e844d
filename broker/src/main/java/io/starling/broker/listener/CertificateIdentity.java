package io.starling.broker.listener;

import io.starling.broker.config.CertificateUsername;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Reads the part of a client certificate that {@code tls.username-from-certificate} names: the subject's CN, or
 * the first subject alternative name of one type.
 */
final class CertificateIdentity {
    // GeneralName tags (RFC 5280 section 4.2.1.6) as X509Certificate#getSubjectAlternativeNames reports them.
    private static final int SAN_EMAIL = 1;
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;
    private static final int SAN_IP = 7;

    private CertificateIdentity() {
    }

    /** The identity, or empty when the certificate has no such part (or the source is NONE). */
    static Optional<String> of(X509Certificate certificate, CertificateUsername source) {
        return switch (source) {
            case NONE -> Optional.empty();
            case CN -> commonName(certificate.getSubjectX500Principal());
            case SAN_DNS -> firstAlternativeName(certificate, SAN_DNS);
            case SAN_EMAIL -> firstAlternativeName(certificate, SAN_EMAIL);
            case SAN_URI -> firstAlternativeName(certificate, SAN_URI);
            case SAN_IP -> firstAlternativeName(certificate, SAN_IP);
        };
    }

    /**
     * The CN that RFC 2253 prints first (the last one in the certificate's encoding, the most specific by X.500
     * convention; {@link LdapName} lists it last). Subjects with several CNs are rare; an empty CN is no identity.
     */
    static Optional<String> commonName(X500Principal subject) {
        List<Rdn> rdns;
        try {
            rdns = new LdapName(subject.getName(X500Principal.RFC2253)).getRdns();
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        for (int i = rdns.size() - 1; i >= 0; i--) {
            Rdn rdn = rdns.get(i);
            if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String value && !value.isEmpty()) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> firstAlternativeName(X509Certificate certificate, int tag) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        if (names == null) {
            return Optional.empty();
        }
        for (List<?> name : names) {
            if (name.size() >= 2 && name.get(0) instanceof Integer type && type == tag
                    && name.get(1) instanceof String value && !value.isEmpty()) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}

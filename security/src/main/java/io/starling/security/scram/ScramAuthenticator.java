package io.starling.security.scram;

import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationStep;
import io.starling.broker.spi.EnhancedAuthenticator;
import io.starling.codec.ReasonCode;
import io.starling.security.ReloadingFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677), server side, as an MQTT 5 enhanced authentication mechanism
 * ([MQTT-4.12]): Authentication Method {@value #METHOD}, the SCRAM messages carried as Authentication Data.
 *
 * <pre>
 * CONNECT (method SCRAM-SHA-256)  client-first-message   n,,n=alice,r=&lt;client nonce&gt;
 * AUTH 0x18                       server-first-message   r=&lt;client + server nonce&gt;,s=&lt;salt&gt;,i=4096
 * AUTH 0x18                       client-final-message   c=biws,r=&lt;nonce&gt;,p=&lt;ClientProof&gt;
 * CONNACK 0x00                    server-final-message   v=&lt;ServerSignature&gt;
 * </pre>
 * The client proves it knows the password without sending it; the server's signature lets the client check that
 * the server knows the credential too. Re-authentication ([MQTT-4.12.1]) runs the same exchange, started by AUTH 0x19,
 * and must name the user the connection authenticated as.
 *
 * <ul>
 *   <li>Credentials come from a {@link ScramCredentialsFile}, reloaded when it changes; the password is never
 *       stored.</li>
 *   <li>An unknown user gets a server-first-message like any other (a salt derived from the user name with a secret
 *       of this process, so it is the same at every attempt) and fails at the proof: the exchange does not tell
 *       which user names exist.</li>
 *   <li>Refused, with 0x87 Not authorized and the RFC 5802 error as Reason String: a wrong proof
 *       ({@code e=invalid-proof}), a final message whose nonce is not the combined one, whose channel binding is not
 *       the GS2 header of the first message, a channel binding request ({@code p=}), extensions ({@code m=}), an
 *       authorization identity other than the user, malformed messages.</li>
 *   <li>Only HMAC and SHA-256 over short messages: cheap enough to answer on the calling thread.</li>
 * </ul>
 */
public final class ScramAuthenticator implements EnhancedAuthenticator, AutoCloseable {
    public static final String METHOD = "SCRAM-SHA-256";
    private static final Logger LOG = LoggerFactory.getLogger(ScramAuthenticator.class);
    private static final int MAXIMUM_MESSAGE_BYTES = 4096;
    private static final int SERVER_NONCE_BYTES = 24;

    private final ReloadingFile<ScramCredentialsFile> credentials;
    private final Supplier<String> serverNonces;
    private final byte[] fakeSaltSecret = new byte[32];

    ScramAuthenticator(ReloadingFile<ScramCredentialsFile> credentials, Supplier<String> serverNonces) {
        this.credentials = credentials;
        this.serverNonces = serverNonces;
        new SecureRandom().nextBytes(fakeSaltSecret);
    }

    /**
     * Loads the credentials file and watches it every {@code reloadInterval} (zero: never).
     *
     * @throws io.starling.security.SecurityFileException when it is missing, unreadable or has no usable entry
     */
    public static ScramAuthenticator start(Path credentialsFile, Duration reloadInterval) {
        SecureRandom random = new SecureRandom();
        return new ScramAuthenticator(ReloadingFile.watch(credentialsFile, "SCRAM credentials file",
                ScramCredentialsFile::parse, reloadInterval), () -> {
            byte[] nonce = new byte[SERVER_NONCE_BYTES];
            random.nextBytes(nonce);
            return Base64.getEncoder().encodeToString(nonce);
        });
    }

    public static ScramAuthenticator start(Path credentialsFile) {
        return start(credentialsFile, Duration.ofSeconds(5));
    }

    @Override
    public String method() {
        return METHOD;
    }

    /** The credentials in use. */
    public ScramCredentialsFile credentials() {
        return credentials.current();
    }

    @Override
    public Exchange start(AuthenticationRequest request, boolean reauthentication) {
        return new ScramExchange(request, reauthentication);
    }

    @Override
    public void close() {
        credentials.close();
    }

    @Override
    public String toString() {
        return "ScramAuthenticator[" + credentials.file() + "]";
    }

    /** A refusal of the exchange, with the RFC 5802 error text. */
    private static final class Refusal extends Exception {
        Refusal(String error) {
            super(error, null, false, false);
        }
    }

    /** One exchange: client-first, then client-final. Called one message at a time, never concurrently. */
    private final class ScramExchange implements Exchange {
        private final AuthenticationRequest request;
        private final boolean reauthentication;
        private boolean firstDone;
        private boolean finished;
        private String gs2Header;
        private String clientFirstBare;
        private String serverFirst;
        private String nonce;
        private String username;
        private ScramCredential credential;
        private boolean knownUser;

        ScramExchange(AuthenticationRequest request, boolean reauthentication) {
            this.request = request;
            this.reauthentication = reauthentication;
        }

        @Override
        public CompletionStage<AuthenticationStep> onClientData(byte[] data) {
            AuthenticationStep step;
            try {
                if (finished) {
                    throw new Refusal("e=other-error (exchange already ended)");
                }
                step = firstDone ? onClientFinal(text(data)) : onClientFirst(text(data));
            } catch (Refusal refusal) {
                finished = true;
                LOG.info("SCRAM {}authentication of client '{}'{} refused: {}", reauthentication ? "re-" : "",
                        request.clientId(), username == null ? "" : " (user '" + username + "')", refusal.getMessage());
                step = new AuthenticationStep.Failure(ReasonCode.NOT_AUTHORIZED, "SCRAM: " + refusal.getMessage());
            }
            return CompletableFuture.completedFuture(step);
        }

        private AuthenticationStep onClientFirst(String message) throws Refusal {
            // gs2-header = gs2-cbind-flag "," [authzid] "," (RFC 5802 section 7)
            if (message.startsWith("p=")) {
                throw new Refusal("e=channel-binding-not-supported");
            }
            if (!message.startsWith("n,") && !message.startsWith("y,")) {
                throw new Refusal("e=other-error (expected a GS2 header n,, or y,,)");
            }
            int headerEnd = message.indexOf(',', 2);
            if (headerEnd < 0) {
                throw new Refusal("e=other-error (incomplete GS2 header)");
            }
            String authzid = message.substring(2, headerEnd);
            gs2Header = message.substring(0, headerEnd + 1);
            clientFirstBare = message.substring(headerEnd + 1);
            String[] fields = clientFirstBare.split(",", -1);
            if (fields.length < 2 || fields[0].startsWith("m=")) {
                throw new Refusal(fields.length > 0 && fields[0].startsWith("m=") ? "e=extensions-not-supported"
                        : "e=other-error (expected n=<user>,r=<nonce>)");
            }
            if (!fields[0].startsWith("n=") || !fields[1].startsWith("r=")) {
                throw new Refusal("e=other-error (expected n=<user>,r=<nonce>)");
            }
            username = saslName(fields[0].substring(2));
            String clientNonce = fields[1].substring(2);
            if (!validNonce(clientNonce)) {
                throw new Refusal("e=other-error (invalid client nonce)");
            }
            if (!authzid.isEmpty() && !(authzid.startsWith("a=") && saslName(authzid.substring(2)).equals(username))) {
                throw new Refusal("e=other-error (an authorization identity other than the user is not supported)");
            }
            if (reauthentication && !username.equals(request.username())) {
                throw new Refusal("e=other-error (re-authentication must use the same user name)");
            }
            credential = credentials.current().credential(username);
            knownUser = credential != null;
            if (!knownUser) {
                credential = standIn(username);
            }
            nonce = clientNonce + serverNonces.get();
            serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credential.salt()) + ",i="
                    + credential.iterations();
            firstDone = true;
            return new AuthenticationStep.Continue(serverFirst.getBytes(StandardCharsets.UTF_8));
        }

        private AuthenticationStep onClientFinal(String message) throws Refusal {
            finished = true;
            int proofAt = message.lastIndexOf(",p=");
            if (proofAt < 0) {
                throw new Refusal("e=other-error (no proof)");
            }
            String withoutProof = message.substring(0, proofAt);
            String[] fields = withoutProof.split(",", -1);
            if (fields.length < 2 || !fields[0].startsWith("c=") || !fields[1].startsWith("r=")) {
                throw new Refusal("e=other-error (expected c=<binding>,r=<nonce>,p=<proof>)");
            }
            String expectedBinding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
            if (!fields[0].substring(2).equals(expectedBinding)) {
                throw new Refusal("e=channel-bindings-dont-match");
            }
            if (!fields[1].substring(2).equals(nonce)) {
                throw new Refusal("e=other-error (the nonce is not the one of this exchange)");
            }
            byte[] proof;
            try {
                proof = Base64.getDecoder().decode(message.substring(proofAt + 3));
            } catch (IllegalArgumentException e) {
                throw new Refusal("e=invalid-encoding (proof)");
            }
            byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                    .getBytes(StandardCharsets.UTF_8);
            byte[] clientSignature = ScramCredential.hmac(credential.storedKey(), authMessage);
            if (proof.length != clientSignature.length) {
                throw new Refusal("e=invalid-proof");
            }
            byte[] clientKey = new byte[proof.length];
            for (int i = 0; i < proof.length; i++) {
                clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
            }
            boolean proven = MessageDigest.isEqual(ScramCredential.sha256(clientKey), credential.storedKey());
            if (!proven || !knownUser) {
                throw new Refusal("e=invalid-proof");
            }
            byte[] serverSignature = ScramCredential.hmac(credential.serverKey(), authMessage);
            String serverFinal = "v=" + Base64.getEncoder().encodeToString(serverSignature);
            LOG.debug("SCRAM {}authentication of client '{}' as '{}' succeeded", reauthentication ? "re-" : "",
                    request.clientId(), username);
            return new AuthenticationStep.Success(serverFinal.getBytes(StandardCharsets.UTF_8), username);
        }

        /** A credential for a user that does not exist: stable salt, keys nobody can match. */
        private ScramCredential standIn(String user) {
            byte[] salt = java.util.Arrays.copyOf(ScramCredential.hmac(fakeSaltSecret,
                    user.getBytes(StandardCharsets.UTF_8)), ScramCredential.SALT_BYTES);
            byte[] keys = ScramCredential.hmac(fakeSaltSecret, salt);
            return new ScramCredential(salt, ScramCredential.DEFAULT_ITERATIONS, keys, keys);
        }
    }

    /** The message as strict UTF-8 text, at most {@value #MAXIMUM_MESSAGE_BYTES} bytes. */
    private static String text(byte[] data) throws Refusal {
        if (data == null || data.length == 0) {
            throw new Refusal("e=other-error (no SCRAM message in the Authentication Data)");
        }
        if (data.length > MAXIMUM_MESSAGE_BYTES) {
            throw new Refusal("e=other-error (message too long)");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            throw new Refusal("e=invalid-encoding");
        }
    }

    /** RFC 5802 saslname: ',' travels as "=2C" and '=' as "=3D"; any other '=' is an error. */
    static String saslName(String encoded) throws Refusal {
        StringBuilder name = new StringBuilder(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '=') {
                String escape = encoded.startsWith("=2C", i) ? "," : encoded.startsWith("=3D", i) ? "=" : null;
                if (escape == null) {
                    throw new Refusal("e=invalid-username-encoding");
                }
                name.append(escape);
                i += 2;
            } else {
                name.append(c);
            }
        }
        if (name.isEmpty()) {
            throw new Refusal("e=invalid-username-encoding");
        }
        return name.toString();
    }

    /** RFC 5802 c-nonce: printable ASCII except ','. */
    private static boolean validNonce(String nonce) {
        if (nonce.isEmpty()) {
            return false;
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7E || c == ',') {
                return false;
            }
        }
        return true;
    }

    static ScramAuthenticator withNonces(ReloadingFile<ScramCredentialsFile> credentials, Supplier<String> nonces) {
        return new ScramAuthenticator(credentials, Objects.requireNonNull(nonces));
    }
}

/**
 * The small interfaces through which the broker core meets the outside: security back-ends
 * ({@link io.starling.broker.spi.Authenticator}, {@link io.starling.broker.spi.Authorizer},
 * {@link io.starling.broker.spi.EnhancedAuthenticator}) and the records they exchange. An accepted authentication may
 * carry an expiry (the broker then ends the connection) and attributes that reach the authorizer in
 * {@link io.starling.broker.spi.ClientInfo}. No Netty types cross this boundary; docs/security.md has a worked
 * example of a custom authenticator and authorizer.
 */
package io.starling.broker.spi;

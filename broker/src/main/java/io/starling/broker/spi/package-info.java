/**
 * The small interfaces through which the broker core meets the outside: security back-ends
 * ({@link io.starling.broker.spi.Authenticator}, {@link io.starling.broker.spi.Authorizer}) and the records they
 * exchange. No Netty types cross this boundary.
 */
package io.starling.broker.spi;

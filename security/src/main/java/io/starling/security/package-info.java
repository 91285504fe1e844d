/**
 * Security back-ends for Starling, plugged into the broker through {@link io.starling.broker.spi}:
 * <ul>
 *   <li>{@link io.starling.security.PasswordFileAuthenticator}: Mosquitto password files ({@code $7$} PBKDF2-SHA512,
 *       and {@code $6$} SHA512 for migration), verified off the event loop, reloaded on change;</li>
 *   <li>{@link io.starling.security.AuthenticatorChain}: several authenticators in order, and the anonymous-access
 *       rule;</li>
 *   <li>{@link io.starling.security.AclAuthorizer}: Mosquitto {@code acl_file} semantics, reloaded on change;</li>
 *   <li>{@link io.starling.security.PasswdTool}: the logic of {@code starling passwd}.</li>
 * </ul>
 * See docs/security.md for the file formats and every behaviour choice.
 */
package io.starling.security;

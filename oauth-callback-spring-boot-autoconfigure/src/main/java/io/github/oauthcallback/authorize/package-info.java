/**
 * The interactive login (RFC 8252): the {@link io.github.oauthcallback.authorize.LoopbackAuthorizer} that builds
 * the authorization request (PKCE, state, nonce), sends the user to it, waits for the callback and exchanges the
 * code through Spring Security's token response client and authentication providers, together with the {@code
 * RestClient} every token request goes through, its error handling and the redaction of its form body.
 */
@NullMarked
package io.github.oauthcallback.authorize;

import org.jspecify.annotations.NullMarked;

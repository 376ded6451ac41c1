/**
 * The interactive login (RFC 8252): the {@link io.github.oauthcallback.authorize.LoopbackAuthorizer} that builds
 * the authorization request (PKCE, state, nonce), sends the user to it, waits for the callback and exchanges the
 * code through Spring Security's token response client and authentication providers; and the
 * {@link io.github.oauthcallback.authorize.DeviceAuthorizer} for the device authorization grant (RFC 8628), which
 * needs no listener and no browser on this machine; and the
 * {@link io.github.oauthcallback.authorize.LoopbackCodeCapture}, the listener alone, which returns the callback's
 * parameters ({@link io.github.oauthcallback.authorize.CapturedCallback}) for an authorization URL another OAuth
 * library builds. The token endpoint's HTTP
 * (its {@code RestClient}, error handling and form redaction) lives in {@code io.github.oauthcallback.tokenendpoint}.
 */
@NullMarked
package io.github.oauthcallback.authorize;

import org.jspecify.annotations.NullMarked;

/**
 * OAuth 2.0 and OpenID Connect logins for command-line, desktop and batch programs through a short-lived loopback
 * listener. This package holds the public types an application uses directly: the exception hierarchy rooted at
 * {@link OAuthCallbackException}, the account names logins are stored under ({@link io.github.oauthcallback.internal.Accounts}), the OpenID Connect
 * result type ({@link OidcAuthorizedClient}) and a way to list registrations ({@link io.github.oauthcallback.internal.Registrations}).
 */
@NullMarked
package io.github.oauthcallback;

import org.jspecify.annotations.NullMarked;

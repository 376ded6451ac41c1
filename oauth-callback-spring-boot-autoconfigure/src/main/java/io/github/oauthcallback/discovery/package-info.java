/**
 * OpenID Connect and OAuth 2.0 provider discovery for registrations given by {@code issuer-uri}: discovered once
 * per provider and kept in a cache of the user's own, so that a start with a stored login makes no network call.
 * Internal to the auto-configuration.
 */
@NullMarked
package io.github.oauthcallback.discovery;

import org.jspecify.annotations.NullMarked;

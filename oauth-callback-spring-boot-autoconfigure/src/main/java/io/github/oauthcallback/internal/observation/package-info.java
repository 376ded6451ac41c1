/**
 * Micrometer observations of the starter: their names, contexts, key names and default conventions
 * ({@link io.github.oauthcallback.internal.observation.OAuthCallbackObservationDocumentation}), and
 * {@link io.github.oauthcallback.internal.observation.Observations}, which runs one piece of work inside one
 * observation without opening a scope (nothing is kept per thread). The instrumentation itself lives with the code it
 * observes (login, refresh, token requests, revocation, store). Every tag is low-cardinality: never a token, code,
 * verifier, secret, account or URL. Internal: no compatibility promise; may change in any release.
 */
@NullMarked
package io.github.oauthcallback.internal.observation;

import org.jspecify.annotations.NullMarked;

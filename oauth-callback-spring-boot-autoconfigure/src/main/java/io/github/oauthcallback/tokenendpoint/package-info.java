/**
 * Every HTTP call to a token endpoint: the {@code RestClient} it goes through (the application's HTTP client
 * settings, the starter's timeouts, no redirects, OAuth error mapping for every error status, a form body that prints
 * no secret), the factory of Spring Security's token response clients for each grant, created on their first request,
 * what a failed token request means (a timeout, an unreachable endpoint, another I/O failure, or the provider's
 * answer with its status, OAuth error and {@code Retry-After}), and whether and when it is sent again
 * ({@code TokenRequestRetries}, and {@code RetryingTokenResponseClient} for a manager of one's own).
 */
@NullMarked
package io.github.oauthcallback.tokenendpoint;

import org.jspecify.annotations.NullMarked;

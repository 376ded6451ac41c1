/**
 * Getting a usable token: the starter's {@code OAuth2AuthorizedClientManager} with the provider chain stored,
 * refreshed, then interactive login (single flight across threads and processes), retrying failed token requests
 * with the store's lock released between attempts (the rules are {@code tokenendpoint}'s), whether a run may open a
 * browser, and the scheduled refresh of stored logins for long-running programs.
 */
@NullMarked
package io.github.oauthcallback.refresh;

import org.jspecify.annotations.NullMarked;

/**
 * Bearer tokens on outgoing requests: {@code RestClient}s and HTTP Service interfaces that send the token of a
 * registration and account, logging in or refreshing through the client manager when needed, and retrying once with
 * a fresh token when the resource server answers 401.
 */
@NullMarked
package io.github.oauthcallback.client;

import org.jspecify.annotations.NullMarked;

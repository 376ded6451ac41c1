/**
 * Revocation (RFC 7009) of the tokens of a login the client manager removed ({@code logout}) or replaced (a new
 * {@code login}): best effort, after the store's lock is released, never keeping a login the user asked to remove.
 * Internal: no compatibility promise; may change in any release.
 */
@NullMarked
package io.github.oauthcallback.internal.revocation;

import org.jspecify.annotations.NullMarked;

/**
 * Internal: no compatibility promise; may change in any release.
 */
@NullMarked
package io.github.oauthcallback.internal.authorize;

import org.jspecify.annotations.NullMarked;

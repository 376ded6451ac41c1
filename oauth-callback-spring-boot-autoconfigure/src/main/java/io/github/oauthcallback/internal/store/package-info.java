/**
 * Internal: no compatibility promise; may change in any release.
 */
@NullMarked
package io.github.oauthcallback.internal.store;

import org.jspecify.annotations.NullMarked;

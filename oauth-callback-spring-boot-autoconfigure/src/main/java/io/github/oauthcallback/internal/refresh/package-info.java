/**
 * Internal: no compatibility promise; may change in any release.
 */
@NullMarked
package io.github.oauthcallback.internal.refresh;

import org.jspecify.annotations.NullMarked;

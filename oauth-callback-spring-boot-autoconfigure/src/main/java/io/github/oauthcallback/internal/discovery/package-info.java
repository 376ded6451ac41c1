/**
 * Internal: no compatibility promise; may change in any release.
 */
@NullMarked
package io.github.oauthcallback.internal.discovery;

import org.jspecify.annotations.NullMarked;

/**
 * Internal: no compatibility promise; may change in any release.
 */
@NullMarked
package io.github.oauthcallback.internal.browser;

import org.jspecify.annotations.NullMarked;

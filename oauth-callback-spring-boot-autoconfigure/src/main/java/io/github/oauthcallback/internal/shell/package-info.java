/**
 * Internal: no compatibility promise; may change in any release.
 */
@NullMarked
package io.github.oauthcallback.internal.shell;

import org.jspecify.annotations.NullMarked;

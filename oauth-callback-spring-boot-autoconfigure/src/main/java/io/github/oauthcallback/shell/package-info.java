/**
 * The {@code login}, {@code logout} and {@code status} commands for applications built on Spring Shell.
 */
@NullMarked
package io.github.oauthcallback.shell;

import org.jspecify.annotations.NullMarked;

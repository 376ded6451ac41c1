/**
 * What a user sees while a login waits, and how a waiting login ends when the program stops: the countdown line of a
 * loopback or device login ({@link io.github.oauthcallback.internal.progress.WaitingProgress}) and the cancellation
 * of every waiting login on Ctrl-C or a closing application context
 * ({@link io.github.oauthcallback.internal.progress.WaitingLogins}). Internal: no compatibility promise; may change in
 * any release.
 */
@NullMarked
package io.github.oauthcallback.internal.progress;

import org.jspecify.annotations.NullMarked;

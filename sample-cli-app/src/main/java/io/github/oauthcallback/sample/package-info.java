/**
 * A sample command-line program that logs in through the browser with the OAuth Callback starter: its commands
 * ({@code login}, {@code status}, {@code logout}, {@code call}), a batch job that uses stored and refreshed tokens,
 * and its settings.
 */
@NullMarked
package io.github.oauthcallback.sample;

import org.jspecify.annotations.NullMarked;

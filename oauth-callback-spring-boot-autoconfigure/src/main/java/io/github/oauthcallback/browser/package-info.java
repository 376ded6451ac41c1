/**
 * Sending the user to a URL: the {@link BrowserLauncher} contract, its default that opens the system browser
 * ({@link io.github.oauthcallback.internal.browser.SystemBrowserLauncher}), and
 * {@link io.github.oauthcallback.internal.browser.BrowserUris}, the one rule for which URIs the starter may print or open.
 */
@NullMarked
package io.github.oauthcallback.browser;

import org.jspecify.annotations.NullMarked;

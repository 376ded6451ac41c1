package io.github.oauthcallback.internal.browser;

import io.github.oauthcallback.OAuthCallbackException;

/**
 * A URI that was about to be shown to the user or opened in a browser is not one the starter sends a user to: only
 * {@code https} with a host and no user-info, and {@code http} to this machine's loopback address, are. See
 * {@link io.github.oauthcallback.internal.browser.BrowserUris}. Nothing was printed and no browser was started.
 */
public class UnsafeBrowserUriException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	public UnsafeBrowserUriException(String message) {
		super(message);
	}

}

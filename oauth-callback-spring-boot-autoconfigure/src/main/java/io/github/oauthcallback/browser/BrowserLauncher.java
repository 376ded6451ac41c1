package io.github.oauthcallback.browser;

import java.net.URI;

/**
 * Sends the user to the authorization URL. Replace the bean to open a custom browser, show a QR code, or (in tests)
 * play the user. The URL has already been printed ("Open this URL to continue: ...") when a launcher is called, so it
 * need not print it. A launcher that fails should throw: the login logs a warning and keeps waiting, since the user
 * may open the printed URL by hand.
 */
@FunctionalInterface
public interface BrowserLauncher {

	/**
	 * @param authorizationUri the URL the user must visit; it carries the login's {@code state}, so do not log it
	 * @throws Exception if the browser could not be started
	 */
	void open(URI authorizationUri) throws Exception;

}

package io.github.oauthcallback.sample;

import java.net.URI;

/**
 * The browser of {@link SampleAotIT}: a program the sample runs as {@code oauth-callback.login.browser} (a command
 * line that gets the URL as last argument). It plays the user against the demo identity provider with
 * {@link BrowserUser}: logs in with the user and password from the environment ({@code AOT_BROWSER_ISSUER},
 * {@code AOT_BROWSER_USER}, {@code AOT_BROWSER_PASSWORD}) and delivers the redirect to the sample's loopback listener.
 */
public final class AotBrowser {

	private AotBrowser() {
	}

	public static void main(String[] args) throws Exception {
		URI authorizationUri = URI.create(args[args.length - 1]);
		new BrowserUser(URI.create(System.getenv("AOT_BROWSER_ISSUER")), System.getenv("AOT_BROWSER_USER"),
				System.getenv("AOT_BROWSER_PASSWORD"))
			.open(authorizationUri);
	}

}

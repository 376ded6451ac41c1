package io.github.oauthcallback.authorize;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.github.oauthcallback.internal.authorize.DefaultLoopbackCodeCapture;

/**
 * Captures the authorization response of an authorization URL that another OAuth library builds: the low-level part
 * of the starter's browser login, for programs that drive their own OAuth client (Google's, Nimbus, ScribeJava, ...)
 * and need only a safe loopback redirect (RFC 8252). It binds a one-login listener on the loopback interface, gives
 * its redirect URI to the function that builds the authorization URL, prints the URL and opens the browser as the
 * starter's login does ({@code oauth-callback.login.mode} and {@code .browser}; in a terminal a pasted address is
 * accepted too), shows a countdown while it waits, and returns the callback's parameters once the listener's checks
 * passed:
 * <ul>
 * <li>the callback must carry the {@code state} of the built URL exactly once (compared in constant time), else it is
 * answered as not this login's and the capture keeps waiting; a URL without a {@code state} is refused up front;</li>
 * <li>with {@link CaptureOptions#withExpectedIssuer an expected issuer}, an {@code iss} must equal it (RFC 9207),
 * else {@link io.github.oauthcallback.AuthorizationIssuerMismatchException};</li>
 * <li>an error response ends it with {@link io.github.oauthcallback.AuthorizationErrorException};</li>
 * <li>it ends with {@link io.github.oauthcallback.AuthorizationTimeoutException} after the timeout and with
 * {@link io.github.oauthcallback.AuthorizationCancelledException} when cancelled (the future, an interrupt, Ctrl-C
 * or the application context closing); the port is released in every case.</li>
 * </ul>
 * The code is not exchanged and nothing is stored: that is the caller's library's job, with the same redirect URI
 * ({@link CapturedCallback#redirectUri()}) and its own PKCE verifier. The starter defines one as a bean (from the
 * {@code oauth-callback.listener.*} and {@code oauth-callback.login.*} properties); {@link #create()} gives one
 * without Spring.
 */
public interface LoopbackCodeCapture {

	/**
	 * Captures with the default options and blocks until the callback came.
	 * @param authorizationUrl builds the authorization URL from the listener's redirect URI; the URL must carry a
	 * {@code state}
	 * @return the callback's parameters
	 * @throws io.github.oauthcallback.OAuthCallbackException if the provider answered with an error, the issuer did
	 * not match, the wait timed out or was cancelled, or the listener could not bind
	 * @throws IllegalArgumentException if the built URL has no single {@code state}, is not a safe browser URL, or
	 * names another {@code redirect_uri}
	 */
	default CapturedCallback capture(Function<URI, URI> authorizationUrl) {
		return capture(authorizationUrl, CaptureOptions.defaults());
	}

	/**
	 * Captures and blocks until the callback came. Interrupting the calling thread cancels the capture.
	 * @param authorizationUrl builds the authorization URL from the listener's redirect URI
	 * @param options name, timeout, redirect URI, expected issuer
	 * @return the callback's parameters
	 * @throws io.github.oauthcallback.OAuthCallbackException if the provider answered with an error, the issuer did
	 * not match, the wait timed out or was cancelled, or the listener could not bind
	 * @throws IllegalArgumentException if the built URL has no single {@code state}, is not a safe browser URL, or
	 * names another {@code redirect_uri}
	 */
	CapturedCallback capture(Function<URI, URI> authorizationUrl, CaptureOptions options);

	/**
	 * Starts a capture and returns at once: the listener is bound, the URL printed and the browser launched before it
	 * returns. Cancelling (or completing) the future ends the capture and releases the port.
	 * @param authorizationUrl builds the authorization URL from the listener's redirect URI
	 * @param options name, timeout, redirect URI, expected issuer
	 * @return the future callback parameters
	 * @throws io.github.oauthcallback.OAuthCallbackException if the listener cannot bind
	 * @throws IllegalArgumentException if the built URL has no single {@code state}, is not a safe browser URL, or
	 * names another {@code redirect_uri}
	 */
	CompletableFuture<CapturedCallback> captureAsync(Function<URI, URI> authorizationUrl, CaptureOptions options);

	/**
	 * A capture for programs without a Spring application context: the listener on {@code 127.0.0.1}, an ephemeral
	 * port and {@code /callback} with the built-in pages, the browser opened as {@code oauth-callback.login.browser=auto}
	 * does (the {@code BROWSER} variable, then the OS opener), lines printed to {@code System.err}, a 5-minute
	 * timeout and the countdown style picked for the terminal.
	 * @return the capture
	 */
	static LoopbackCodeCapture create() {
		return DefaultLoopbackCodeCapture.standalone();
	}

}

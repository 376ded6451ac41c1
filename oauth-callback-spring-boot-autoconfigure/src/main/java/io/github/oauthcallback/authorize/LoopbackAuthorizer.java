package io.github.oauthcallback.authorize;

import java.util.concurrent.CompletableFuture;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * Logs the user in through the browser and a temporary loopback listener (RFC 8252), for a client registration
 * declared with the standard {@code spring.security.oauth2.client.*} properties. The result is saved through the
 * application's {@code OAuth2AuthorizedClientService} under the account name.
 */
public interface LoopbackAuthorizer {

	/**
	 * Logs in with the default options and blocks until the login completes.
	 * @param registrationId the client registration id
	 * @return the authorized client, already saved
	 * @throws io.github.oauthcallback.OAuthCallbackException if the login fails, times out or is cancelled
	 */
	default OAuth2AuthorizedClient authorize(String registrationId) {
		return authorize(registrationId, AuthorizationOptions.defaults());
	}

	/**
	 * Logs in and blocks until the login completes. Interrupting the calling thread cancels the login.
	 * @param registrationId the client registration id
	 * @param options extra scopes, account, {@code login_hint}, {@code prompt}, timeout
	 * @return the authorized client, already saved
	 * @throws io.github.oauthcallback.OAuthCallbackException if the login fails, times out or is cancelled
	 */
	OAuth2AuthorizedClient authorize(String registrationId, AuthorizationOptions options);

	/**
	 * Starts a login and returns at once. The listener is bound, the URL printed and the browser launched before this
	 * method returns. The future is the caller's own: cancelling (or completing) it before the code exchange has
	 * started saving ends the login, saves nothing and releases the listener; once saving has started, cancellation
	 * is refused and the future completes with the saved client.
	 * @param registrationId the client registration id
	 * @param options extra scopes, account, {@code login_hint}, {@code prompt}, timeout
	 * @return the future authorized client, already saved when the future completes
	 * @throws io.github.oauthcallback.OAuthCallbackException if the registration is unknown or the listener cannot
	 * bind
	 */
	CompletableFuture<OAuth2AuthorizedClient> authorizeAsync(String registrationId, AuthorizationOptions options);

}

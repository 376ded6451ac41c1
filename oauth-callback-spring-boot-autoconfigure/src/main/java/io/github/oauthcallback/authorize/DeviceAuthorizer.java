package io.github.oauthcallback.authorize;

import java.util.concurrent.CompletableFuture;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * Logs the user in with the device authorization grant (RFC 8628), the way {@code gh auth login} does: the program
 * asks the provider for a user code, prints where to enter it (and opens the browser there when it can), and polls
 * the token endpoint until the user has approved the login on any device. No listener is needed, so it works over
 * SSH, in a container or on a machine without a browser. It serves registrations with
 * {@code authorization-grant-type: urn:ietf:params:oauth:grant-type:device_code}, and any registration whose
 * provider has a device authorization endpoint (from discovery, {@code device_authorization_endpoint}, or
 * {@code oauth-callback.registrations.<id>.device-authorization-uri}). The result is saved through the application's
 * {@code OAuth2AuthorizedClientService} under the account name, like a browser login.
 * <p>
 * Of the {@link AuthorizationOptions}, the account, additional scopes and timeout apply; {@code login_hint} and
 * {@code prompt} have no place in a device authorization request and are not sent.
 */
public interface DeviceAuthorizer {

	/**
	 * Logs in with the default options and blocks until the login completes.
	 * @param registrationId the client registration id
	 * @return the authorized client, already saved
	 * @throws io.github.oauthcallback.OAuthCallbackException if the login fails, is refused
	 * ({@link io.github.oauthcallback.AuthorizationErrorException} with {@code access_denied}), expires or times out
	 * ({@link io.github.oauthcallback.AuthorizationTimeoutException}) or is cancelled
	 */
	default OAuth2AuthorizedClient authorize(String registrationId) {
		return authorize(registrationId, AuthorizationOptions.defaults());
	}

	/**
	 * Logs in and blocks until the login completes. Interrupting the calling thread cancels the login.
	 * @param registrationId the client registration id
	 * @param options extra scopes, account, timeout
	 * @return the authorized client, already saved
	 * @throws io.github.oauthcallback.OAuthCallbackException if the login fails, is refused, expires, times out or is
	 * cancelled
	 */
	OAuth2AuthorizedClient authorize(String registrationId, AuthorizationOptions options);

	/**
	 * Starts a login and returns at once. The device authorization request has been answered, the verification URI
	 * and user code printed and the browser launched before this method returns; polling runs on a thread of its
	 * own. Cancelling (or completing) the future before the tokens are being saved ends the polling and saves
	 * nothing; once saving has started, cancellation is refused and the future completes with the saved client.
	 * @param registrationId the client registration id
	 * @param options extra scopes, account, timeout
	 * @return the future authorized client, already saved when the future completes
	 * @throws io.github.oauthcallback.OAuthCallbackException if the registration is unknown or has no device
	 * authorization endpoint, or the provider refused the device authorization request
	 */
	CompletableFuture<OAuth2AuthorizedClient> authorizeAsync(String registrationId, AuthorizationOptions options);

	/**
	 * @param registrationId the client registration id
	 * @return whether the registration can log in with the device grant: it is known and its provider has a device
	 * authorization endpoint
	 */
	boolean supports(String registrationId);

}

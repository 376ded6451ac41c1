package io.github.oauthcallback.internal.authorize;

import java.util.concurrent.CompletableFuture;

import io.github.oauthcallback.authorize.AuthorizationOptions;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;

/**
 * The hook through which a login the {@link DefaultLoopbackAuthorizer} starts runs the device authorization grant
 * (RFC 8628) instead: when {@code oauth-callback.login.mode=device}, or when {@code auto} finds that no browser can be
 * used here and {@link #supports} says the registration allows the device grant. An optional bean; without one, a
 * forced {@code device} mode fails with {@link DeviceGrantUnavailableException} and {@code auto} never picks it.
 */
public interface DeviceLoginStarter {

	/**
	 * @param registration a registration the authorizer was asked to log in with
	 * @return whether the device grant can run for it (its provider has a device authorization endpoint and the
	 * client may use the grant)
	 */
	boolean supports(ClientRegistration registration);

	/**
	 * Starts the device-grant login. Its future behaves as
	 * {@link io.github.oauthcallback.authorize.LoopbackAuthorizer#authorizeAsync}'s: completed with the saved client,
	 * or exceptionally with a typed {@link io.github.oauthcallback.OAuthCallbackException}; cancelling it ends the
	 * login and saves nothing.
	 * @param registration the registration, one {@link #supports} accepted
	 * @param options the login's options, with the account and the timeout already resolved (never {@code null})
	 * @return the login
	 */
	CompletableFuture<OAuth2AuthorizedClient> start(ClientRegistration registration, AuthorizationOptions options);

}

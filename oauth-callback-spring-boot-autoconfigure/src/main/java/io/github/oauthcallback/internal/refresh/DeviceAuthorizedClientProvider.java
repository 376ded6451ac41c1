package io.github.oauthcallback.internal.refresh;

import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.authorize.DeviceAuthorizer;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * The device login's step of the provider chain, for registrations with the device authorization grant: when there
 * is no stored login, or it expired without a refresh token, it logs in through the {@link DeviceAuthorizer} if this
 * run may be interactive, and otherwise fails fast with {@link ReauthorizationRequiredException}. Like
 * {@link LoopbackAuthorizedClientProvider} (and with the same context attributes), it records the login in the
 * request's {@link PendingLogin} when there is one, so the client manager runs the polling, which may take minutes,
 * outside the store's lock (ADR 0002). A refresh of a device login is the refresh-token provider's, as for any login.
 *
 * @param authorizer the device authorizer
 * @param logins when a login may run (the same as the browser login's)
 */
public record DeviceAuthorizedClientProvider(DeviceAuthorizer authorizer,
		InteractiveLogins logins) implements OAuth2AuthorizedClientProvider {

	@Override
	public @Nullable OAuth2AuthorizedClient authorize(OAuth2AuthorizationContext context) {
		if (!AuthorizationGrantType.DEVICE_CODE.equals(context.getClientRegistration().getAuthorizationGrantType())) {
			return null;
		}
		// Resolved only when a login runs: a chain built for refreshes alone may have no authorizer.
		return this.logins.authorize(context, (id, options) -> this.authorizer.authorize(id, options));
	}

}

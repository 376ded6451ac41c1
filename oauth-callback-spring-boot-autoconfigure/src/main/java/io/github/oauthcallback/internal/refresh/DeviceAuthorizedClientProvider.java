package io.github.oauthcallback.internal.refresh;

import java.time.Clock;
import java.util.function.BooleanSupplier;

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
 */
public final class DeviceAuthorizedClientProvider implements OAuth2AuthorizedClientProvider {

	private final DeviceAuthorizer authorizer;

	private final BooleanSupplier interactive;

	private final String loginCommand;

	private final Clock clock;

	/**
	 * @param authorizer the device authorizer
	 * @param interactive whether this run may ask the user to approve a login
	 * @param loginCommand how the user logs in, for messages ({@code {registration}} and {@code {account}} are
	 * replaced)
	 * @param clock the clock
	 */
	public DeviceAuthorizedClientProvider(DeviceAuthorizer authorizer, BooleanSupplier interactive,
			String loginCommand, Clock clock) {
		this.authorizer = authorizer;
		this.interactive = interactive;
		this.loginCommand = loginCommand;
		this.clock = clock;
	}

	@Override
	public @Nullable OAuth2AuthorizedClient authorize(OAuth2AuthorizationContext context) {
		if (!AuthorizationGrantType.DEVICE_CODE.equals(context.getClientRegistration().getAuthorizationGrantType())) {
			return null;
		}
		return InteractiveLogins.authorize(context, this.interactive, this.loginCommand, this.clock,
				this.authorizer::authorize);
	}

}

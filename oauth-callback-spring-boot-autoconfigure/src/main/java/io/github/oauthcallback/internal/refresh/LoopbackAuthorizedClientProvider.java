package io.github.oauthcallback.internal.refresh;

import java.time.Clock;
import java.util.function.BooleanSupplier;

import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * The interactive step of the provider chain: when there is no stored login, or it expired without a refresh token,
 * it logs in through the {@link LoopbackAuthorizer} if this run may open a browser, and otherwise fails fast with
 * {@link ReauthorizationRequiredException}. (Spring Security's own authorization-code provider only works inside a
 * web request.) A request with {@link #INTERACTIVE_ATTRIBUTE} set to {@code false}, as the scheduled refresh sends,
 * never opens a browser. A request that carries a {@link PendingLogin} (the client manager's do) gets the login
 * recorded there instead of run, so that the manager runs it outside the store's lock.
 */
public final class LoopbackAuthorizedClientProvider implements OAuth2AuthorizedClientProvider {

	/** Context attribute with the reason a login is needed, for the message. */
	public static final String REASON_ATTRIBUTE = LoopbackAuthorizedClientProvider.class.getName() + ".reason";

	/**
	 * Context attribute that, set to {@link Boolean#FALSE}, forbids opening a browser for this request whatever
	 * the configured {@link Interactivity} says: a needed login then fails with
	 * {@link ReauthorizationRequiredException}. Background refreshes set it, so no browser ever opens from a
	 * scheduler thread.
	 */
	public static final String INTERACTIVE_ATTRIBUTE = LoopbackAuthorizedClientProvider.class.getName()
			+ ".interactive";

	private final LoopbackAuthorizer authorizer;

	private final InteractiveLogins logins;

	/**
	 * @param authorizer the loopback authorizer
	 * @param interactive whether this run may open a browser
	 * @param loginCommand how the user logs in, for messages ({@code {registration}} and {@code {account}} are
	 * replaced)
	 * @param clock the clock
	 */
	public LoopbackAuthorizedClientProvider(LoopbackAuthorizer authorizer, BooleanSupplier interactive,
			String loginCommand, Clock clock) {
		this(authorizer, new InteractiveLogins(interactive, loginCommand, clock));
	}

	/**
	 * @param authorizer the loopback authorizer
	 * @param logins when a login may run, shared with the chain's other interactive provider
	 */
	public LoopbackAuthorizedClientProvider(LoopbackAuthorizer authorizer, InteractiveLogins logins) {
		this.authorizer = authorizer;
		this.logins = logins;
	}

	@Override
	public @Nullable OAuth2AuthorizedClient authorize(OAuth2AuthorizationContext context) {
		ClientRegistration registration = context.getClientRegistration();
		if (!AuthorizationGrantType.AUTHORIZATION_CODE.equals(registration.getAuthorizationGrantType())) {
			return null;
		}
		// Resolved only when a login runs: a chain built for refreshes alone may have no authorizer.
		return this.logins.authorize(context, (id, options) -> this.authorizer.authorize(id, options));
	}

}

package io.github.oauthcallback.internal.refresh;

import java.time.Clock;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;

/**
 * The rules of the interactive step both login providers share ({@link LoopbackAuthorizedClientProvider} and
 * {@link DeviceAuthorizedClientProvider}): when no login is stored, or it expired without a refresh token, either
 * fail fast with {@link ReauthorizationRequiredException} (a background request, or a run that may not be
 * interactive), or record the login in the request's {@link PendingLogin} for the client manager to run outside the
 * store's lock (ADR 0002), or, without one, run it.
 */
public final class InteractiveLogins {

	private final BooleanSupplier interactive;

	private final String loginCommand;

	private final Clock clock;

	/**
	 * @param interactive whether this run may log in interactively (open a browser, ask for a device code)
	 * @param loginCommand how the user logs in, for messages ({@code {registration}} and {@code {account}} are
	 * replaced)
	 * @param clock the clock
	 */
	public InteractiveLogins(BooleanSupplier interactive, String loginCommand, Clock clock) {
		this.interactive = interactive;
		this.loginCommand = loginCommand;
		this.clock = clock;
	}

	/**
	 * @param context the authorization context of a registration the caller's login is for
	 * @param login the login: registration id and options to the saved login
	 * @return the login, or {@code null} if none is needed or it was recorded in the {@link PendingLogin}
	 */
	@Nullable OAuth2AuthorizedClient authorize(OAuth2AuthorizationContext context,
			BiFunction<String, AuthorizationOptions, OAuth2AuthorizedClient> login) {
		BooleanSupplier interactive = this.interactive;
		String loginCommand = this.loginCommand;
		Clock clock = this.clock;
		ClientRegistration registration = context.getClientRegistration();
		OAuth2AuthorizedClient existing = context.getAuthorizedClient();
		if (existing != null && (existing.getRefreshToken() != null || !expired(existing, clock))) {
			return null;
		}
		String account = context.getPrincipal().getName();
		boolean background = Boolean.FALSE
			.equals(context.getAttribute(LoopbackAuthorizedClientProvider.INTERACTIVE_ATTRIBUTE));
		if (background || !interactive.getAsBoolean()) {
			String reason = context.getAttribute(LoopbackAuthorizedClientProvider.REASON_ATTRIBUTE);
			if (reason == null) {
				reason = (existing == null) ? "no login is stored"
						: "the stored access token expired and there is no refresh token";
			}
			if (background) {
				reason += " (found by a background refresh, which never opens a browser)";
			}
			throw new ReauthorizationRequiredException(registration.getRegistrationId(), account, reason,
					loginCommand);
		}
		Supplier<OAuth2AuthorizedClient> run = () -> login.apply(registration.getRegistrationId(),
				AuthorizationOptions.defaults().withAccount(account));
		PendingLogin pending = PendingLogin.in(context.getAttributes());
		if (pending != null) {
			// The client manager runs it once it has released the store's lock.
			pending.needed(run);
			return null;
		}
		return run.get();
	}

	private static boolean expired(OAuth2AuthorizedClient client, Clock clock) {
		return client.getAccessToken().getExpiresAt() != null
				&& !clock.instant().isBefore(client.getAccessToken().getExpiresAt());
	}

}

package io.github.oauthcallback.internal.refresh;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.store.TokenStore.LockedLogin;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.internal.tokenendpoint.TokenRequestRetries;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.util.function.SingletonSupplier;

/**
 * The part of {@link io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager} that runs under the store's lock: it hands a login that is
 * not usable to the provider chain (through Spring Security's
 * {@link AuthorizedClientServiceOAuth2AuthorizedClientManager}, which saves the result), one attempt per turn of the
 * store's lock, waiting between attempts with that lock released; and it recovers from a refused refresh token
 * ({@code invalid_grant}) by removing the stored login only if it is still the one refused, then asking the chain for
 * a new login.
 */
public final class StoreLockedAuthorization {

	private static final Log logger = LogFactory.getLog(StoreLockedAuthorization.class);

	private final ClientRegistrationRepository registrations;

	private final TokenStore store;

	private final TokenRequestRetries retries;

	/**
	 * Spring's manager, created on the first login that is not stored and valid: its constructor installs a default
	 * client-credentials provider, and with it an HTTP client, which a run that uses a stored token does not need.
	 */
	private final Supplier<AuthorizedClientServiceOAuth2AuthorizedClientManager> delegate;

	/**
	 * The store as Spring's manager sees it: every request it gets carries the login read under the store's lock (or
	 * none, for a new login), so it never reads the store itself (a read that might come from a cache); saves go
	 * through its success handler and removals are made here.
	 */
	private static final OAuth2AuthorizedClientService NOT_READ = new OAuth2AuthorizedClientService() {

		@Override
		public <T extends OAuth2AuthorizedClient> @Nullable T loadAuthorizedClient(String clientRegistrationId,
				String principalName) {
			return null;
		}

		@Override
		public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
			throw new IllegalStateException("Saves go through the success handler");
		}

		@Override
		public void removeAuthorizedClient(String clientRegistrationId, String principalName) {
			throw new IllegalStateException("Removals are made under the store's lock");
		}

	};

	public StoreLockedAuthorization(ClientRegistrationRepository registrations, TokenStore store,
			OAuth2AuthorizedClientProvider provider, RefreshEventsAfterSave events, TokenRequestRetries retries) {
		this.registrations = registrations;
		this.store = store;
		this.retries = retries;
		this.delegate = SingletonSupplier.of(() -> {
			AuthorizedClientServiceOAuth2AuthorizedClientManager manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(
					registrations, NOT_READ);
			manager.setAuthorizedClientProvider(provider);
			manager.setContextAttributesMapper((request) -> new HashMap<>(request.getAttributes()));
			manager.setAuthorizationSuccessHandler((client, principal, attributes) -> {
				store.saveAuthorizedClient(client, principal);
				events.saved(client);
			});
			// Spring's default handler removes the stored login on invalid_grant, even one a concurrent refresh just
			// saved; failures are handled below instead.
			manager.setAuthorizationFailureHandler((failure, principal, attributes) -> {
			});
			return manager;
		});
	}

	/**
	 * Authorizes one login under the store's lock, one attempt per turn, waiting between attempts with the store's
	 * lock released (this JVM's lock stays held, so callers here still take turns instead of all sending the request
	 * that just failed). Every turn re-reads the stored login: one that someone else stored during the wait is used
	 * if it needs nothing more, and otherwise is what the next attempt sends (its own refresh token, never the old
	 * one).
	 * @param usable whether a stored login (or none) is returned as it is
	 * @param toAuthorize what to hand to the provider chain for a stored login that is not usable
	 * @return the login, or {@code null} if none is stored and {@code usable} accepts that, or the provider chain
	 * authorized none
	 */
	public @Nullable OAuth2AuthorizedClient authorize(String registrationId, String account,
			Predicate<@Nullable OAuth2AuthorizedClient> usable, UnaryOperator<OAuth2AuthorizedClient> toAuthorize,
			Map<String, Object> attributes) {
		boolean clientCredentials = RefreshMessages
			.clientCredentials(this.registrations.findByRegistrationId(registrationId));
		Retry retry = new Retry(this.retries.start(registrationId,
				clientCredentials ? AuthorizationGrantType.CLIENT_CREDENTIALS : AuthorizationGrantType.REFRESH_TOKEN));
		for (;;) {
			Turn turn = this.store.exclusively(registrationId, account, (locked) -> {
				OAuth2AuthorizedClient current = locked.load();
				if (usable.test(current)) {
					if (retry.sent != null) {
						logger.debug("The login of '" + registrationId + "' for account '" + account
								+ "' was stored by someone else while a retry waited; it is used");
					}
					return new Turn.Done(current);
				}
				retry.sending(current);
				return authorizeLocked(locked, (current != null) ? toAuthorize.apply(current) : null, attributes,
						clientCredentials, retry.attempts);
			});
			if (turn instanceof Turn.Done done) {
				return done.client();
			}
			Turn.BackOff backOff = (Turn.BackOff) turn;
			try {
				retry.attempts.backOff(backOff.retry().backoff());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw RefreshMessages.tokenFailure(registrationId, clientCredentials, account,
						backOff.retry().failure(), backOff.failure());
			}
		}
	}

	private Turn authorizeLocked(LockedLogin locked, @Nullable OAuth2AuthorizedClient current,
			Map<String, Object> attributes, boolean clientCredentials, TokenRequestRetries.Attempts attempts) {
		String registrationId = locked.registrationId();
		String account = locked.account();
		try {
			OAuth2AuthorizedClient authorized = this.delegate.get()
				.authorize(request(registrationId, account, current, attributes, null));
			PendingLogin pending = PendingLogin.in(attributes);
			if (pending == null || !pending.isNeeded()) {
				attempts.succeeded();
			}
			return new Turn.Done(authorized);
		}
		catch (ClientAuthorizationException ex) {
			if (!OAuth2ErrorCodes.INVALID_GRANT.equals(ex.getError().getErrorCode()) || current == null
					|| clientCredentials) {
				TokenRequestRetries.Decision decision = attempts.failed(ex);
				if (decision instanceof TokenRequestRetries.Decision.Retry retry) {
					return new Turn.BackOff(retry, ex);
				}
				throw RefreshMessages.tokenFailure(registrationId, clientCredentials, account, decision.failure(), ex);
			}
			boolean answerLost = attempts.refusedAfterLostAnswer(ex);
			OAuth2AuthorizedClient stored = removeRefused(locked, current, answerLost);
			String reason = RefreshMessages.loginReason(answerLost);
			return new Turn.Done(
					this.delegate.get().authorize(request(registrationId, account, stored, attributes, reason)));
		}
	}

	/**
	 * Removes the stored login whose refresh token was refused, but only if it is still the one refused (never a
	 * newer one saved by someone else).
	 * @return the newer login that stays stored, or {@code null} if the refused one was removed or none is stored
	 */
	private @Nullable OAuth2AuthorizedClient removeRefused(LockedLogin locked, OAuth2AuthorizedClient refused,
			boolean answerLost) {
		String registrationId = locked.registrationId();
		String account = locked.account();
		OAuth2AuthorizedClient now = locked.load();
		if (now != null && sameAccessToken(now, refused) && sameRefreshToken(now, refused)) {
			locked.remove();
			if (answerLost) {
				logger.warn(RefreshMessages.refusedAfterLostAnswer(registrationId, account));
			}
			else {
				logger.info(RefreshMessages.refused(registrationId, account));
			}
			return null;
		}
		logger.debug(RefreshMessages.refusedButNewerStored(registrationId, account));
		return now;
	}

	private OAuth2AuthorizeRequest request(String registrationId, String account,
			@Nullable OAuth2AuthorizedClient current, Map<String, Object> attributes, @Nullable String reason) {
		OAuth2AuthorizeRequest.Builder builder = (current != null)
				? OAuth2AuthorizeRequest.withAuthorizedClient(current)
				: OAuth2AuthorizeRequest.withClientRegistrationId(registrationId);
		return builder.principal(Accounts.principal(account)).attributes((all) -> {
			all.putAll(attributes);
			if (reason != null) {
				all.put(LoopbackAuthorizedClientProvider.REASON_ATTRIBUTE, reason);
			}
		}).build();
	}

	public static boolean sameAccessToken(OAuth2AuthorizedClient a, OAuth2AuthorizedClient b) {
		return a.getAccessToken().getTokenValue().equals(b.getAccessToken().getTokenValue());
	}

	private static boolean sameRefreshToken(OAuth2AuthorizedClient a, OAuth2AuthorizedClient b) {
		OAuth2RefreshToken left = a.getRefreshToken();
		OAuth2RefreshToken right = b.getRefreshToken();
		return Objects.equals((left != null) ? left.getTokenValue() : null,
				(right != null) ? right.getTokenValue() : null);
	}

	/** The outcome of one turn under the store's lock. */
	private sealed interface Turn {

		/**
		 * The login, or {@code null} where none is wanted.
		 * @param client the login
		 */
		record Done(@Nullable OAuth2AuthorizedClient client) implements Turn {
		}

		/**
		 * Another attempt after a wait, and the failure that is reported if the wait is cut short.
		 * @param retry the wait, and what the failure means
		 * @param failure the failure
		 */
		record BackOff(TokenRequestRetries.Decision.Retry retry, ClientAuthorizationException failure)
				implements Turn {
		}

	}

	/** The attempts of one authorization and the login the last one sent, across turns. */
	private static final class Retry {

		private final TokenRequestRetries.Attempts attempts;

		private @Nullable OAuth2AuthorizedClient sent;

		Retry(TokenRequestRetries.Attempts attempts) {
			this.attempts = attempts;
		}

		/** Records the login the next attempt sends; another one than last time resets the per-token rules. */
		void sending(@Nullable OAuth2AuthorizedClient current) {
			if (this.sent != null && (current == null || !sameAccessToken(current, this.sent)
					|| !sameRefreshToken(current, this.sent))) {
				this.attempts.otherCredentials();
			}
			this.sent = current;
		}

	}

}

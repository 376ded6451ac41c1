package io.github.oauthcallback.refresh;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.github.oauthcallback.Accounts;
import io.github.oauthcallback.InvalidConfigurationException;
import io.github.oauthcallback.Registrations;
import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.TokenRefreshException;
import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.authorize.TokenEndpointClients;
import io.github.oauthcallback.store.StoredLogin;
import io.github.oauthcallback.store.TokenStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.event.OAuth2AuthorizedClientRefreshedEvent;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.util.StringUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * The {@link OAuth2AuthorizedClientManager} of this starter: Spring Security's
 * {@link AuthorizedClientServiceOAuth2AuthorizedClientManager} with the provider chain "stored and valid → refresh
 * token → interactive loopback login", made safe for concurrent callers:
 * <ul>
 * <li>a valid stored token is returned without taking any lock;</li>
 * <li>otherwise callers for the same registration and account take turns, in this JVM and (through
 * {@link TokenStore#exclusively}) across processes or nodes sharing the store, and each re-reads the stored login
 * first, so a token refreshed by someone else is used instead of being refreshed again;</li>
 * <li>a token request that failed for a transient reason is sent again by the rules of {@link TokenRequestRetries};
 * the wait before it happens with the store's lock released (no database transaction or pooled connection, no file
 * lock held meanwhile), and the next attempt re-reads the stored login first, so a login someone else refreshed
 * during the wait is used instead of sending the old refresh token again;</li>
 * <li>a refused refresh token ({@code invalid_grant}) removes the stored login only if it is still the one that was
 * refused (never a newer one saved by someone else), then a new login is started or
 * {@code ReauthorizationRequiredException} thrown; other failures keep it and throw
 * {@link TokenRefreshException};</li>
 * <li>an OpenID Connect login keeps its ID token across refreshes;</li>
 * <li>{@link #logout} and {@link #login} take the same turns, so a logout is never undone by a refresh that was
 * under way, and a refresh never overwrites a login made meanwhile in this JVM.</li>
 * </ul>
 * Requests without a principal, or with Spring's anonymous one, use the default account.
 */
public final class OAuthCallbackAuthorizedClientManager implements OAuth2AuthorizedClientManager {

	private static final Log logger = LogFactory.getLog(OAuthCallbackAuthorizedClientManager.class);

	private final ClientRegistrationRepository registrations;

	private final TokenStore store;

	private final LoopbackAuthorizer authorizer;

	/**
	 * Spring's manager, created on the first login that is not stored and valid: its constructor installs a default
	 * client-credentials provider, and with it an HTTP client, which a run that uses a stored token does not need.
	 */
	private final Supplier<AuthorizedClientServiceOAuth2AuthorizedClientManager> delegate;

	private final Duration clockSkew;

	private final String defaultAccount;

	private final Clock clock;

	private final TokenRequestRetries retries;

	/** One lock per registration and account, held only while someone uses or waits for it. */
	private final Map<String, KeyLock> locks = new ConcurrentHashMap<>();

	/** The login being refreshed by this thread; Spring's manager gives its success handler no attributes. */
	private final ThreadLocal<OAuth2AuthorizedClient> previous = new ThreadLocal<>();

	/** Refresh events held back until the refreshed login is saved (see {@link #publishingAfterSave}). */
	private final ThreadLocal<List<HeldEvent>> heldEvents = new ThreadLocal<>();

	/**
	 * @param registrations the client registrations
	 * @param store where logins are kept
	 * @param provider the provider chain (refresh token, then {@link LoopbackAuthorizedClientProvider})
	 * @param clockSkew how long before its expiry a token counts as expired
	 * @param defaultAccount the account for requests without a principal
	 * @param clock the clock
	 */
	public OAuthCallbackAuthorizedClientManager(ClientRegistrationRepository registrations, TokenStore store,
			OAuth2AuthorizedClientProvider provider, Duration clockSkew, String defaultAccount, Clock clock) {
		this(registrations, store, provider, null, clockSkew, defaultAccount, clock);
	}

	/**
	 * @param registrations the client registrations
	 * @param store where logins are kept
	 * @param provider the provider chain (refresh token, then {@link LoopbackAuthorizedClientProvider})
	 * @param authorizer the authorizer {@link #login} uses, or {@code null} if {@code login} is not offered
	 * @param clockSkew how long before its expiry a token counts as expired
	 * @param defaultAccount the account for requests without a principal
	 * @param clock the clock
	 */
	public OAuthCallbackAuthorizedClientManager(ClientRegistrationRepository registrations, TokenStore store,
			OAuth2AuthorizedClientProvider provider, LoopbackAuthorizer authorizer, Duration clockSkew,
			String defaultAccount, Clock clock) {
		this(registrations, store, provider, authorizer, TokenRequestRetries.none(), clockSkew, defaultAccount, clock);
	}

	/**
	 * @param registrations the client registrations
	 * @param store where logins are kept
	 * @param provider the provider chain (refresh token, then {@link LoopbackAuthorizedClientProvider}); its token
	 * clients should make one attempt each, since this manager retries
	 * @param authorizer the authorizer {@link #login} uses, or {@code null} if {@code login} is not offered
	 * @param retries when a failed refresh or client-credentials request is sent again
	 * @param clockSkew how long before its expiry a token counts as expired
	 * @param defaultAccount the account for requests without a principal
	 * @param clock the clock
	 */
	public OAuthCallbackAuthorizedClientManager(ClientRegistrationRepository registrations, TokenStore store,
			OAuth2AuthorizedClientProvider provider, LoopbackAuthorizer authorizer, TokenRequestRetries retries,
			Duration clockSkew, String defaultAccount, Clock clock) {
		this.registrations = registrations;
		this.retries = retries;
		this.store = store;
		this.authorizer = authorizer;
		this.clockSkew = clockSkew;
		this.defaultAccount = defaultAccount;
		this.clock = clock;
		this.delegate = SingletonSupplier.of(() -> {
			AuthorizedClientServiceOAuth2AuthorizedClientManager manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(
					registrations, store);
			manager.setAuthorizedClientProvider(provider);
			manager.setContextAttributesMapper((request) -> new HashMap<>(request.getAttributes()));
			manager.setAuthorizationSuccessHandler((client, principal, attributes) -> {
				OAuth2AuthorizedClient saved = withIdToken(client, this.previous.get());
				store.saveAuthorizedClient(saved, principal);
				List<HeldEvent> held = this.heldEvents.get();
				if (held != null) {
					held.forEach((event) -> event.saved(saved));
				}
			});
			// Spring's default handler removes the stored login on invalid_grant, even one a concurrent refresh just
			// saved; failures are handled below instead.
			manager.setAuthorizationFailureHandler((failure, principal, attributes) -> {
			});
			return manager;
		});
	}

	/**
	 * Wraps the publisher given to Spring Security's {@code RefreshTokenOAuth2AuthorizedClientProvider}: it publishes
	 * the provider's {@link OAuth2AuthorizedClientRefreshedEvent} only after this manager saved the refreshed login
	 * (and outside the login's lock), carrying the login as saved (with its ID token), so listeners that read the store
	 * see the new tokens. An event for a login whose save failed is dropped. Events published outside this manager
	 * pass straight through.
	 * @param publisher the application's publisher
	 * @return the publisher to give to the refresh-token provider
	 */
	public ApplicationEventPublisher publishingAfterSave(ApplicationEventPublisher publisher) {
		return new ApplicationEventPublisher() {

			@Override
			public void publishEvent(Object event) {
				List<HeldEvent> held = OAuthCallbackAuthorizedClientManager.this.heldEvents.get();
				if (held != null && event instanceof OAuth2AuthorizedClientRefreshedEvent refreshed) {
					held.add(new HeldEvent(publisher, refreshed));
				}
				else {
					publisher.publishEvent(event);
				}
			}

		};
	}

	@Override
	public OAuth2AuthorizedClient authorize(OAuth2AuthorizeRequest request) {
		String registrationId = request.getClientRegistrationId();
		requireRegistration(registrationId);
		String account = Accounts.of(request.getPrincipal(), this.defaultAccount);
		OAuth2AuthorizedClient stored = this.store.loadAuthorizedClient(registrationId, account);
		if (valid(stored, this.clockSkew)) {
			return stored;
		}
		Map<String, Object> attributes = new HashMap<>(request.getAttributes());
		attributes.put(LoopbackAuthorizedClientProvider.DEFER_ATTRIBUTE, Boolean.TRUE);
		return holdingEvents(() -> locally(registrationId, account, () -> {
			try {
				return withRetries(registrationId, account, (current) -> valid(current, this.clockSkew),
						(current) -> current, attributes);
			}
			catch (LoopbackAuthorizedClientProvider.DeferredLogin login) {
				// The browser login runs outside the store lock (the login saves from the listener's thread, which
				// would wait for a database row lock held here), but still one at a time in this JVM.
				OAuth2AuthorizedClient current = this.store.loadAuthorizedClient(registrationId, account);
				return valid(current, this.clockSkew) ? current : login.run();
			}
		}));
	}

	/**
	 * Refreshes a stored login that expires within the window, unless someone else already did (used by the
	 * scheduled refresh). It never opens a browser: if the provider refuses the refresh token, the stored login is
	 * removed (if it is still the one refused) and {@link ReauthorizationRequiredException} is thrown.
	 * @param registrationId the registration id
	 * @param account the account
	 * @param window how far ahead of its expiry the token is refreshed
	 * @return the stored login after the refresh, or {@code null} if none is stored
	 * @throws ReauthorizationRequiredException if the refresh token was refused
	 * @throws TokenRefreshException if the refresh failed otherwise (the stored login is kept)
	 */
	public OAuth2AuthorizedClient refresh(String registrationId, String account, Duration window) {
		return holdingEvents(() -> locally(registrationId, account, () -> withRetries(registrationId, account,
				(current) -> current == null || current.getRefreshToken() == null || valid(current, window),
				this::expired, Map.of(LoopbackAuthorizedClientProvider.INTERACTIVE_ATTRIBUTE, false))));
	}

	/**
	 * Marks the access token of a login as expired, because a resource server refused it, so the next
	 * {@link #authorize} refreshes it (or logs in again). Nothing happens if the stored token is already another one.
	 * @param refused the login whose access token was refused
	 */
	public void invalidate(OAuth2AuthorizedClient refused) {
		String registrationId = refused.getClientRegistration().getRegistrationId();
		String account = refused.getPrincipalName();
		exclusively(registrationId, account, () -> {
			OAuth2AuthorizedClient current = this.store.loadAuthorizedClient(registrationId, account);
			if (current != null && sameAccessToken(current, refused)) {
				this.store.saveAuthorizedClient(expired(current), Accounts.principal(account));
				logger.debug("Marked the access token of '" + registrationId + "' as expired after a 401");
			}
			return null;
		});
	}

	/**
	 * Logs in through the browser now, even if a login is stored (for a {@code login} command), and stores the
	 * result. A refresh or logout of the same login in this JVM waits until the login is stored and then sees it, so
	 * it never overwrites or removes it. Other processes are not held up while the user is in the browser (which may
	 * take minutes): one that refreshes the same login meanwhile may store its refreshed old login after this one.
	 * @param registrationId the registration id
	 * @param options account, scopes and other options of the login
	 * @return the new login, already stored
	 * @throws io.github.oauthcallback.OAuthCallbackException if the login fails, times out or is cancelled
	 */
	public OAuth2AuthorizedClient login(String registrationId, AuthorizationOptions options) {
		// An unknown registration is reported by the authorizer.
		if (this.authorizer == null) {
			throw new InvalidConfigurationException("This OAuthCallbackAuthorizedClientManager was created without a "
					+ "LoopbackAuthorizer, so it cannot log in; use the auto-configured manager or pass one.");
		}
		AuthorizationOptions given = (options != null) ? options : AuthorizationOptions.defaults();
		String account = StringUtils.hasText(given.account()) ? given.account() : this.defaultAccount;
		return locally(registrationId, account,
				() -> this.authorizer.authorize(registrationId, given.withAccount(account)));
	}

	/**
	 * Removes a stored login (for a {@code logout} command). A refresh of it that is under way, in this JVM or in a
	 * process sharing the store, finishes first, so its save cannot bring the login back.
	 * @param registrationId the registration id
	 * @param account the account
	 * @return what was removed, or empty if nothing was stored under that key
	 */
	public Optional<StoredLogin> logout(String registrationId, String account) {
		return exclusively(registrationId, account, () -> this.store.logout(registrationId, account));
	}

	/**
	 * Removes every stored login of this application, each one as {@link #logout} does, then anything else
	 * {@link TokenStore#logoutAll()} removes (a store that cannot be read is handled as that method says).
	 * @return what was removed
	 */
	public List<StoredLogin> logoutAll() {
		List<StoredLogin> removed = new ArrayList<>();
		List<StoredLogin> listed;
		try {
			listed = this.store.logins();
		}
		catch (TokenStoreException ex) {
			// An unusable store: its own logoutAll() deals with it (the file store moves the file aside).
			listed = List.of();
		}
		for (StoredLogin login : listed) {
			logout(login.registrationId(), login.account()).ifPresent(removed::add);
		}
		for (StoredLogin rest : this.store.logoutAll()) {
			if (removed.stream()
				.noneMatch((login) -> login.registrationId().equals(rest.registrationId())
						&& login.account().equals(rest.account()))) {
				removed.add(rest);
			}
		}
		return removed;
	}

	private void requireRegistration(String registrationId) {
		if (this.registrations.findByRegistrationId(registrationId) == null) {
			List<String> ids = Registrations.ids(this.registrations);
			throw new InvalidConfigurationException("There is no client registration '" + registrationId
					+ "' (declared: " + (ids.isEmpty() ? "none" : String.join(", ", ids)) + "). Declare it under "
					+ "spring.security.oauth2.client.registration." + registrationId + ".* or use a declared id.");
		}
	}

	/**
	 * Authorizes one login under the store's lock, one attempt per turn, waiting between attempts with the store's
	 * lock released (this JVM's lock stays held, so callers here still take turns instead of all sending the request
	 * that just failed). Every turn re-reads the stored login: one that someone else stored during the wait is used
	 * if it needs nothing more, and otherwise is what the next attempt sends (its own refresh token, never the old
	 * one).
	 * @param usable whether a stored login is returned as it is
	 * @param toAuthorize what to hand to the provider chain for a stored login that is not usable
	 */
	private OAuth2AuthorizedClient withRetries(String registrationId, String account,
			Predicate<OAuth2AuthorizedClient> usable, UnaryOperator<OAuth2AuthorizedClient> toAuthorize,
			Map<String, Object> attributes) {
		ClientRegistration registration = this.registrations.findByRegistrationId(registrationId);
		Retry retry = new Retry(this.retries.start(registrationId, clientCredentials(registration)
				? AuthorizationGrantType.CLIENT_CREDENTIALS : AuthorizationGrantType.REFRESH_TOKEN));
		for (;;) {
			Turn turn = this.store.exclusively(registrationId, account, () -> {
				OAuth2AuthorizedClient current = this.store.loadAuthorizedClient(registrationId, account);
				if (usable.test(current)) {
					if (retry.sent != null) {
						logger.debug("The login of '" + registrationId + "' for account '" + account
								+ "' was stored by someone else while a retry waited; it is used");
					}
					return Turn.done(current);
				}
				retry.sending(current);
				return authorizeLocked(registrationId, account, (current != null) ? toAuthorize.apply(current) : null,
						attributes, retry.attempts);
			});
			if (turn.backoff() == null) {
				return turn.client();
			}
			try {
				this.retries.sleep(turn.backoff());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw tokenFailure(registration, account, turn.failure().getError().getErrorCode(), turn.failure());
			}
		}
	}

	private Turn authorizeLocked(String registrationId, String account, OAuth2AuthorizedClient current,
			Map<String, Object> attributes, TokenRequestRetries.Attempts attempts) {
		this.previous.set(current);
		try {
			OAuth2AuthorizedClient authorized = withIdToken(
					this.delegate.get().authorize(request(registrationId, account, current, attributes, null)), current);
			attempts.succeeded();
			return Turn.done(authorized);
		}
		catch (ClientAuthorizationException ex) {
			ClientRegistration registration = this.registrations.findByRegistrationId(registrationId);
			String code = ex.getError().getErrorCode();
			if (!OAuth2ErrorCodes.INVALID_GRANT.equals(code) || current == null || clientCredentials(registration)) {
				Duration wait = attempts.failed(ex);
				if (wait != null) {
					return new Turn(null, wait, ex);
				}
				throw tokenFailure(registration, account, code, ex);
			}
			boolean answerLost = attempts.answerMayBeLost()
					|| causedBy(ex, RetryingTokenResponseClient.RefusedAfterLostAnswerException.class);
			OAuth2AuthorizedClient now = this.store.loadAuthorizedClient(registrationId, account);
			if (now != null && sameAccessToken(now, current) && sameRefreshToken(now, current)) {
				this.store.removeAuthorizedClient(registrationId, account);
				if (answerLost) {
					logger.warn("The refresh token of '" + registrationId + "' for account '" + account
							+ "' was refused (invalid_grant) when sent again after an attempt that got no usable "
							+ "answer: the provider probably rotated it in the answer that was lost. The stored "
							+ "login was removed and a new login is needed");
				}
				else {
					logger.info("The refresh token of '" + registrationId + "' for account '" + account
							+ "' was refused (invalid_grant); the stored login was removed and a new login is needed");
				}
			}
			else {
				logger.debug("The refresh token of '" + registrationId + "' for account '" + account
						+ "' was refused (invalid_grant), but a newer login was stored meanwhile; it is kept");
			}
			this.previous.remove();
			return Turn.done(this.delegate.get().authorize(request(registrationId, account, null, attributes,
					answerLost ? "the stored refresh token was refused (invalid_grant) after an earlier attempt got "
							+ "no usable answer, so the provider probably rotated it in an answer that was lost"
							: "the stored refresh token was refused (invalid_grant)")));
		}
		finally {
			this.previous.remove();
		}
	}

	private OAuth2AuthorizeRequest request(String registrationId, String account, OAuth2AuthorizedClient current,
			Map<String, Object> attributes, String reason) {
		OAuth2AuthorizeRequest.Builder builder = (current != null) ? OAuth2AuthorizeRequest.withAuthorizedClient(current)
				: OAuth2AuthorizeRequest.withClientRegistrationId(registrationId);
		return builder.principal(Accounts.principal(account)).attributes((all) -> {
			all.putAll(attributes);
			if (reason != null) {
				all.put(LoopbackAuthorizedClientProvider.REASON_ATTRIBUTE, reason);
			}
		}).build();
	}

	/**
	 * Runs the action and then publishes the refresh events it held back, outside any lock.
	 */
	private OAuth2AuthorizedClient holdingEvents(Supplier<OAuth2AuthorizedClient> action) {
		if (this.heldEvents.get() != null) {
			return action.get();
		}
		List<HeldEvent> held = new ArrayList<>();
		this.heldEvents.set(held);
		OAuth2AuthorizedClient result;
		try {
			result = action.get();
		}
		finally {
			this.heldEvents.remove();
		}
		held.forEach(HeldEvent::publish);
		return result;
	}

	/**
	 * Runs the action while holding this JVM's lock for the key and the store's lock across processes.
	 */
	private <T> T exclusively(String registrationId, String account, Supplier<T> action) {
		return locally(registrationId, account, () -> this.store.exclusively(registrationId, account, action));
	}

	/**
	 * Runs the action while holding this JVM's lock for the key. The lock is forgotten once nobody holds or waits
	 * for it, so the lock map does not grow with every login ever used.
	 */
	private <T> T locally(String registrationId, String account, Supplier<T> action) {
		String key = registrationId + "\n" + account;
		KeyLock keyLock = this.locks.compute(key, (name, existing) -> {
			KeyLock used = (existing != null) ? existing : new KeyLock();
			used.users++;
			return used;
		});
		try {
			keyLock.lock.lock();
			try {
				return action.get();
			}
			finally {
				keyLock.lock.unlock();
			}
		}
		finally {
			this.locks.computeIfPresent(key, (name, used) -> (--used.users == 0) ? null : used);
		}
	}

	/** Number of per-login locks currently held or waited for, for tests. */
	int lockCount() {
		return this.locks.size();
	}

	/** Number of threads holding or waiting for the lock of one login, for tests. */
	int lockUsers(String registrationId, String account) {
		KeyLock keyLock = this.locks.get(registrationId + "\n" + account);
		return (keyLock != null) ? keyLock.users : 0;
	}

	private boolean valid(OAuth2AuthorizedClient client, Duration margin) {
		if (client == null) {
			return false;
		}
		Instant expiresAt = client.getAccessToken().getExpiresAt();
		return expiresAt == null || this.clock.instant().isBefore(expiresAt.minus(margin));
	}

	private OAuth2AuthorizedClient expired(OAuth2AuthorizedClient client) {
		OAuth2AccessToken token = client.getAccessToken();
		Instant now = this.clock.instant();
		Instant issuedAt = (token.getIssuedAt() != null && token.getIssuedAt().isBefore(now.minusSeconds(2)))
				? token.getIssuedAt() : now.minusSeconds(2);
		OAuth2AccessToken expiredToken = new OAuth2AccessToken(token.getTokenType(), token.getTokenValue(), issuedAt,
				now.minusSeconds(1), token.getScopes());
		if (client instanceof OidcAuthorizedClient oidc) {
			return new OidcAuthorizedClient(client.getClientRegistration(), client.getPrincipalName(), expiredToken,
					client.getRefreshToken(), oidc.getIdToken());
		}
		return new OAuth2AuthorizedClient(client.getClientRegistration(), client.getPrincipalName(), expiredToken,
				client.getRefreshToken());
	}

	private static OAuth2AuthorizedClient withIdToken(OAuth2AuthorizedClient client, OAuth2AuthorizedClient previous) {
		if (client == null || client instanceof OidcAuthorizedClient || !(previous instanceof OidcAuthorizedClient oidc)
				|| !previous.getPrincipalName().equals(client.getPrincipalName())) {
			return client;
		}
		return new OidcAuthorizedClient(client.getClientRegistration(), client.getPrincipalName(),
				client.getAccessToken(), client.getRefreshToken(), oidc.getIdToken());
	}

	private static boolean sameAccessToken(OAuth2AuthorizedClient a, OAuth2AuthorizedClient b) {
		return a.getAccessToken().getTokenValue().equals(b.getAccessToken().getTokenValue());
	}

	private static boolean sameRefreshToken(OAuth2AuthorizedClient a, OAuth2AuthorizedClient b) {
		OAuth2RefreshToken left = a.getRefreshToken();
		OAuth2RefreshToken right = b.getRefreshToken();
		return Objects.equals((left != null) ? left.getTokenValue() : null,
				(right != null) ? right.getTokenValue() : null);
	}

	private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return true;
			}
		}
		return false;
	}

	private static boolean clientCredentials(ClientRegistration registration) {
		return registration != null
				&& AuthorizationGrantType.CLIENT_CREDENTIALS.equals(registration.getAuthorizationGrantType());
	}

	private static TokenRefreshException tokenFailure(ClientRegistration registration, String account, String code,
			Throwable ex) {
		IOException io = null;
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (current instanceof IOException ioException) {
				io = ioException;
				break;
			}
		}
		String what;
		if (io == null) {
			what = "the token endpoint answered with error '" + code + "'";
			for (Throwable current = ex; current != null; current = current.getCause()) {
				int status = TokenEndpointClients.answerStatus(current);
				if (status > 0) {
					what += " (HTTP " + status + ")";
					break;
				}
			}
		}
		else if (TokenRequestRetries.notSent(io)) {
			what = "the token endpoint could not be reached (" + io.getClass().getSimpleName() + ")";
		}
		else if (io instanceof SocketTimeoutException || io instanceof HttpTimeoutException) {
			what = "the token endpoint did not answer in time";
		}
		else {
			what = "the connection to the token endpoint failed before an answer arrived ("
					+ io.getClass().getSimpleName() + ")";
		}
		String registrationId = registration.getRegistrationId();
		if (clientCredentials(registration)) {
			return new TokenRefreshException(code, "Getting a client-credentials token for registration '"
					+ registrationId + "' failed: " + what + ". Check the registration's client-id and client-secret, "
					+ "the network and the provider's token-uri, or try again later.", io);
		}
		return new TokenRefreshException(code, "Refreshing the token of registration '" + registrationId
				+ "' for account '" + account + "' failed: " + what + ". The stored login is kept; try again later, "
				+ "or check the network and the provider's token-uri.", io);
	}

	/**
	 * The outcome of one turn under the store's lock: the login, or how long to wait before the next attempt and the
	 * failure that is reported if the wait is cut short.
	 */
	private record Turn(OAuth2AuthorizedClient client, Duration backoff, ClientAuthorizationException failure) {

		static Turn done(OAuth2AuthorizedClient client) {
			return new Turn(client, null, null);
		}

	}

	/** The attempts of one authorization and the login the last one sent, across turns. */
	private static final class Retry {

		private final TokenRequestRetries.Attempts attempts;

		private OAuth2AuthorizedClient sent;

		Retry(TokenRequestRetries.Attempts attempts) {
			this.attempts = attempts;
		}

		/** Records the login the next attempt sends; another one than last time resets the per-token rules. */
		void sending(OAuth2AuthorizedClient current) {
			if (this.sent != null && (current == null || !sameAccessToken(current, this.sent)
					|| !sameRefreshToken(current, this.sent))) {
				this.attempts.otherCredentials();
			}
			this.sent = current;
		}

	}

	/** A lock and how many threads hold or wait for it; changed only inside the map's atomic compute calls. */
	private static final class KeyLock {

		private final ReentrantLock lock = new ReentrantLock();

		private int users;

	}

	/** A refresh event held back until its login is saved. */
	private static final class HeldEvent {

		private final ApplicationEventPublisher publisher;

		private final OAuth2AuthorizedClientRefreshedEvent event;

		private OAuth2AuthorizedClient saved;

		HeldEvent(ApplicationEventPublisher publisher, OAuth2AuthorizedClientRefreshedEvent event) {
			this.publisher = publisher;
			this.event = event;
		}

		void saved(OAuth2AuthorizedClient client) {
			if (this.saved == null) {
				this.saved = client;
			}
		}

		void publish() {
			if (this.saved != null) {
				this.publisher.publishEvent(
						new OAuth2AuthorizedClientRefreshedEvent(this.event.getAccessTokenResponse(), this.saved));
			}
		}

	}

}

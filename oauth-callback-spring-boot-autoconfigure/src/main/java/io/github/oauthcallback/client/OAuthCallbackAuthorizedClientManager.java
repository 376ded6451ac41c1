package io.github.oauthcallback.client;

import io.github.oauthcallback.internal.refresh.LoopbackAuthorizedClientProvider;
import io.github.oauthcallback.internal.refresh.IdTokenKeepingProvider;
import io.github.oauthcallback.internal.refresh.KeyLocks;
import io.github.oauthcallback.internal.refresh.PendingLogin;
import io.github.oauthcallback.internal.refresh.RefreshEventsAfterSave;
import io.github.oauthcallback.internal.refresh.StoreLockedAuthorization;
import io.github.oauthcallback.internal.revocation.LoginRevocation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.internal.Registrations;
import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.TokenRefreshException;
import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.UnknownRegistrationException;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.authorize.DeviceAuthorizer;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.store.TokenStore.LockedLogin;
import io.github.oauthcallback.store.StoredLogin;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.internal.tokenendpoint.TokenRequestRetries;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.util.StringUtils;

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
 * <li>a browser or device login, which the interactive providers record as a {@link PendingLogin} instead of
 * running, runs after the store's lock is released (the login saves its result from the listener's thread), one at a time in this
 * JVM;</li>
 * <li>an OpenID Connect login keeps its ID token across refreshes ({@link IdTokenKeepingProvider});</li>
 * <li>refresh events are published after the save and outside the locks ({@link RefreshEventsAfterSave});</li>
 * <li>{@link #logout} and {@link #login} take the same turns, so a logout is never undone by a refresh that was
 * under way, and a refresh never overwrites a login made meanwhile in this JVM;</li>
 * <li>{@link #logout} revokes the removed login's tokens at the provider (RFC 7009), and {@link #login} the refresh
 * token of the login it replaced, both after the locks are released and best effort ({@link LoginRevocation}).</li>
 * </ul>
 * Requests without a principal, or with Spring's anonymous one, use the default account. The turns in this JVM are
 * {@link KeyLocks}; the work under the store's lock (retries, {@code invalid_grant}) is
 * {@link StoreLockedAuthorization}.
 */
public final class OAuthCallbackAuthorizedClientManager implements OAuth2AuthorizedClientManager {

	private static final Log logger = LogFactory.getLog(OAuthCallbackAuthorizedClientManager.class);

	private final ClientRegistrationRepository registrations;

	private final TokenStore store;

	private final @Nullable LoopbackAuthorizer authorizer;

	private final @Nullable DeviceAuthorizer deviceAuthorizer;

	/** Authorizes a login that is not stored and valid, under the store's lock and with retries. */
	private final StoreLockedAuthorization authorization;

	private final Duration clockSkew;

	private final String defaultAccount;

	private final Clock clock;

	private final RefreshEventsAfterSave events;

	/** Revokes the tokens of removed and replaced logins, outside the locks. */
	private final LoginRevocation revocation;

	/** One lock per registration and account in this JVM. */
	private final KeyLocks locks = new KeyLocks();

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
			OAuth2AuthorizedClientProvider provider, @Nullable LoopbackAuthorizer authorizer, Duration clockSkew,
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
			OAuth2AuthorizedClientProvider provider, @Nullable LoopbackAuthorizer authorizer, TokenRequestRetries retries,
			Duration clockSkew, String defaultAccount, Clock clock) {
		this(registrations, store, provider, new RefreshEventsAfterSave((event) -> {
		}), authorizer, retries, clockSkew, defaultAccount, clock);
	}

	/**
	 * @param registrations the client registrations
	 * @param store where logins are kept
	 * @param provider the provider chain (see
	 * {@link io.github.oauthcallback.internal.refresh.AuthorizedClientProviderChainBuilder}); its token clients should
	 * make one attempt each, since this manager retries
	 * @param events the holder whose {@link RefreshEventsAfterSave#publisher() publisher} the chain's refresh-token
	 * provider publishes to
	 * @param authorizer the authorizer {@link #login} uses, or {@code null} if {@code login} is not offered
	 * @param retries when a failed refresh or client-credentials request is sent again
	 * @param clockSkew how long before its expiry a token counts as expired
	 * @param defaultAccount the account for requests without a principal
	 * @param clock the clock
	 */
	public OAuthCallbackAuthorizedClientManager(ClientRegistrationRepository registrations, TokenStore store,
			OAuth2AuthorizedClientProvider provider, RefreshEventsAfterSave events,
			@Nullable LoopbackAuthorizer authorizer, TokenRequestRetries retries, Duration clockSkew,
			String defaultAccount, Clock clock) {
		this(registrations, store, provider, events, authorizer, null, retries, LoginRevocation.defaults(), clockSkew,
				defaultAccount, clock);
	}

	/**
	 * @param registrations the client registrations
	 * @param store where logins are kept
	 * @param provider the provider chain (see
	 * {@link io.github.oauthcallback.internal.refresh.AuthorizedClientProviderChainBuilder}); its token clients should
	 * make one attempt each, since this manager retries
	 * @param events the holder whose {@link RefreshEventsAfterSave#publisher() publisher} the chain's refresh-token
	 * provider publishes to
	 * @param authorizer the authorizer {@link #login} uses, or {@code null} if {@code login} is not offered
	 * @param retries when a failed refresh or client-credentials request is sent again
	 * @param revocation revokes the tokens of logins {@link #logout} removes and {@link #login} replaces (the other
	 * constructors use {@link LoginRevocation#defaults()}: both on, endpoints from discovery)
	 * @param clockSkew how long before its expiry a token counts as expired
	 * @param defaultAccount the account for requests without a principal
	 * @param clock the clock
	 */
	public OAuthCallbackAuthorizedClientManager(ClientRegistrationRepository registrations, TokenStore store,
			OAuth2AuthorizedClientProvider provider, RefreshEventsAfterSave events,
			@Nullable LoopbackAuthorizer authorizer, TokenRequestRetries retries, LoginRevocation revocation,
			Duration clockSkew, String defaultAccount, Clock clock) {
		this(registrations, store, provider, events, authorizer, null, retries, revocation, clockSkew, defaultAccount,
				clock);
	}

	/**
	 * @param registrations the client registrations
	 * @param store where logins are kept
	 * @param provider the provider chain (see
	 * {@link io.github.oauthcallback.internal.refresh.AuthorizedClientProviderChainBuilder}); its token clients should
	 * make one attempt each, since this manager retries
	 * @param events the holder whose {@link RefreshEventsAfterSave#publisher() publisher} the chain's refresh-token
	 * provider publishes to
	 * @param authorizer the authorizer {@link #login} uses, or {@code null} if {@code login} is not offered
	 * @param deviceAuthorizer the authorizer {@link #login} uses for registrations with the device authorization
	 * grant and {@link #deviceLogin} for any, or {@code null} if device logins are not offered
	 * @param retries when a failed refresh or client-credentials request is sent again
	 * @param clockSkew how long before its expiry a token counts as expired
	 * @param defaultAccount the account for requests without a principal
	 * @param clock the clock
	 */
	public OAuthCallbackAuthorizedClientManager(ClientRegistrationRepository registrations, TokenStore store,
			OAuth2AuthorizedClientProvider provider, RefreshEventsAfterSave events,
			@Nullable LoopbackAuthorizer authorizer, @Nullable DeviceAuthorizer deviceAuthorizer,
			TokenRequestRetries retries, Duration clockSkew, String defaultAccount, Clock clock) {
		this(registrations, store, provider, events, authorizer, deviceAuthorizer, retries, LoginRevocation.defaults(),
				clockSkew, defaultAccount, clock);
	}

	/**
	 * @param registrations the client registrations
	 * @param store where logins are kept
	 * @param provider the provider chain (see
	 * {@link io.github.oauthcallback.internal.refresh.AuthorizedClientProviderChainBuilder}); its token clients should
	 * make one attempt each, since this manager retries
	 * @param events the holder whose {@link RefreshEventsAfterSave#publisher() publisher} the chain's refresh-token
	 * provider publishes to
	 * @param authorizer the authorizer {@link #login} uses, or {@code null} if {@code login} is not offered
	 * @param deviceAuthorizer the authorizer {@link #login} uses for registrations with the device authorization
	 * grant and {@link #deviceLogin} for any, or {@code null} if device logins are not offered
	 * @param retries when a failed refresh or client-credentials request is sent again
	 * @param revocation revokes the tokens of logins {@link #logout} removes and {@link #login} and
	 * {@link #deviceLogin} replace (the other constructors use {@link LoginRevocation#defaults()}: both on, endpoints
	 * from discovery)
	 * @param clockSkew how long before its expiry a token counts as expired
	 * @param defaultAccount the account for requests without a principal
	 * @param clock the clock
	 */
	public OAuthCallbackAuthorizedClientManager(ClientRegistrationRepository registrations, TokenStore store,
			OAuth2AuthorizedClientProvider provider, RefreshEventsAfterSave events,
			@Nullable LoopbackAuthorizer authorizer, @Nullable DeviceAuthorizer deviceAuthorizer,
			TokenRequestRetries retries, LoginRevocation revocation, Duration clockSkew, String defaultAccount,
			Clock clock) {
		this.registrations = registrations;
		this.revocation = revocation;
		this.deviceAuthorizer = deviceAuthorizer;
		this.store = store;
		this.events = events;
		this.authorizer = authorizer;
		this.clockSkew = clockSkew;
		this.defaultAccount = defaultAccount;
		this.clock = clock;
		this.authorization = new StoreLockedAuthorization(registrations, store, new IdTokenKeepingProvider(provider),
				events, retries);
	}

	/**
	 * @return the login, or {@code null} if the provider chain has no provider for the registration's grant type
	 */
	@Override
	public @Nullable OAuth2AuthorizedClient authorize(OAuth2AuthorizeRequest request) {
		String registrationId = request.getClientRegistrationId();
		if (this.registrations.findByRegistrationId(registrationId) == null) {
			throw new UnknownRegistrationException(registrationId, Registrations.ids(this.registrations));
		}
		String account = Accounts.of(request.getPrincipal(), this.defaultAccount);
		OAuth2AuthorizedClient stored = this.store.loadAuthorizedClient(registrationId, account);
		if (valid(stored, this.clockSkew)) {
			return stored;
		}
		PendingLogin pending = new PendingLogin();
		Map<String, Object> attributes = new HashMap<>(request.getAttributes());
		attributes.put(PendingLogin.ATTRIBUTE, pending);
		return inTurn(registrationId, account, () -> {
			OAuth2AuthorizedClient authorized = this.authorization.authorize(registrationId, account,
					(current) -> valid(current, this.clockSkew), (current) -> current, attributes);
			if (!pending.isNeeded()) {
				return authorized;
			}
			// The browser login runs outside the store lock (the login saves from the listener's thread, which would
			// wait for a database row lock held here), but still one at a time in this JVM.
			OAuth2AuthorizedClient current = this.store.loadAuthorizedClient(registrationId, account);
			return valid(current, this.clockSkew) ? current : pending.run();
		});
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
	public @Nullable OAuth2AuthorizedClient refresh(String registrationId, String account, Duration window) {
		return inTurn(registrationId, account, () -> this.authorization.authorize(registrationId, account,
				(current) -> current == null || current.getRefreshToken() == null || valid(current, window),
				this::expired, Map.of(LoopbackAuthorizedClientProvider.INTERACTIVE_ATTRIBUTE, false)));
	}

	/**
	 * Marks the access token of a login as expired, because a resource server refused it, so the next
	 * {@link #authorize} refreshes it (or logs in again). Nothing happens if the stored token is already another one.
	 * @param refused the login whose access token was refused
	 */
	public void invalidate(OAuth2AuthorizedClient refused) {
		String registrationId = refused.getClientRegistration().getRegistrationId();
		String account = refused.getPrincipalName();
		exclusively(registrationId, account, (locked) -> {
			OAuth2AuthorizedClient current = locked.load();
			if (current != null && StoreLockedAuthorization.sameAccessToken(current, refused)) {
				locked.save(expired(current));
				logger.debug("Marked the access token of '" + registrationId + "' as expired after a 401");
			}
			return null;
		});
	}

	/**
	 * Logs in now, even if a login is stored (for a {@code login} command), and stores the result: through the
	 * browser, or with the device authorization grant for a registration whose grant type is
	 * {@code urn:ietf:params:oauth:grant-type:device_code}. A refresh or logout of the same login in this JVM waits
	 * until the login is stored and then sees it, so it never overwrites or removes it. Other processes are not held
	 * up while the user logs in (which may take minutes): one that refreshes the same login meanwhile may store its
	 * refreshed old login after this one.
	 * <p>
	 * Once the new login is stored and the lock released, the refresh token of the login it replaced is revoked at
	 * the provider if it differs from the new one ({@code oauth-callback.login.revoke-replaced}), best effort: a
	 * failure is logged as a warning, and the new login stands.
	 * @param registrationId the registration id
	 * @param options account, scopes and other options of the login, or {@code null} for the defaults
	 * @return the new login, already stored
	 * @throws io.github.oauthcallback.OAuthCallbackException if the login fails, times out or is cancelled
	 */
	public OAuth2AuthorizedClient login(String registrationId, @Nullable AuthorizationOptions options) {
		ClientRegistration registration = this.registrations.findByRegistrationId(registrationId);
		if (registration != null
				&& AuthorizationGrantType.DEVICE_CODE.equals(registration.getAuthorizationGrantType())) {
			return deviceLogin(registrationId, options);
		}
		// An unknown registration is reported by the authorizer.
		LoopbackAuthorizer loopback = this.authorizer;
		if (loopback == null) {
			throw new IllegalStateException("This OAuthCallbackAuthorizedClientManager was created without a "
					+ "LoopbackAuthorizer, so it cannot log in; use the auto-configured manager or pass one.");
		}
		return inTurnForLogin(registrationId, options, loopback::authorize);
	}

	/**
	 * Logs in now with the device authorization grant (RFC 8628), even if a login is stored and whatever the
	 * registration's grant type, as long as its provider has a device authorization endpoint (for a
	 * {@code login --device} command); otherwise as {@link #login}.
	 * @param registrationId the registration id
	 * @param options account, scopes and timeout of the login, or {@code null} for the defaults
	 * @return the new login, already stored
	 * @throws io.github.oauthcallback.OAuthCallbackException if the registration has no device authorization
	 * endpoint, or the login fails, is refused, expires, times out or is cancelled
	 */
	public OAuth2AuthorizedClient deviceLogin(String registrationId, @Nullable AuthorizationOptions options) {
		DeviceAuthorizer device = this.deviceAuthorizer;
		if (device == null) {
			throw new IllegalStateException("This OAuthCallbackAuthorizedClientManager was created without a "
					+ "DeviceAuthorizer, so it cannot log in with the device grant; use the auto-configured manager "
					+ "or pass one.");
		}
		return inTurnForLogin(registrationId, options, device::authorize);
	}

	private OAuth2AuthorizedClient inTurnForLogin(String registrationId, @Nullable AuthorizationOptions options,
			BiFunction<String, AuthorizationOptions, OAuth2AuthorizedClient> login) {
		AuthorizationOptions given = (options != null) ? options : AuthorizationOptions.defaults();
		String account = StringUtils.hasText(given.account()) ? given.account() : this.defaultAccount;
		Replacement replacement = this.locks.locked(key(registrationId, account), () -> {
			OAuth2AuthorizedClient replaced = this.revocation.onReplacedLogin()
					? storedOrNull(registrationId, account) : null;
			return new Replacement(login.apply(registrationId, given.withAccount(account)), replaced);
		});
		// Outside the lock, with the new login stored: the refresh token it replaced is only in this call now.
		this.revocation.afterReplacedLogin(replacement.replaced(), replacement.client());
		return replacement.client();
	}

	/**
	 * Removes a stored login (for a {@code logout} command), then revokes its tokens at the provider. A refresh of it
	 * that is under way, in this JVM or in a process sharing the store, finishes first, so its save cannot bring the
	 * login back, and the tokens revoked are the ones stored last: they are read under the same locks as the removal.
	 * The revocation runs after the locks are released (no store lock or transaction is held during network I/O),
	 * with the removed tokens kept in memory for this call only. It is best effort: the login is removed whatever
	 * the provider answers, and a failure is logged as a warning and described in the result
	 * ({@code oauth-callback.logout.revoke=false} turns it off).
	 * @param registrationId the registration id
	 * @param account the account
	 * @return what was removed and what happened to its tokens at the provider, or empty if nothing was stored
	 * under that key
	 */
	public Optional<LoggedOut> logout(String registrationId, String account) {
		Removal removal = exclusively(registrationId, account, (locked) -> {
			OAuth2AuthorizedClient tokens = this.revocation.onLogout() ? loadedOrNull(locked) : null;
			return new Removal(this.store.logout(registrationId, account), tokens);
		});
		ClientRegistration registration = this.registrations.findByRegistrationId(registrationId);
		return removal.removed().map((login) -> this.revocation.afterLogout(login, registration, removal.tokens()));
	}

	/**
	 * Removes every stored login of this application, each one as {@link #logout} does (its tokens revoked after
	 * its removal), then anything else {@link TokenStore#logoutAll()} removes (a store that cannot be read is handled
	 * as that method says; such logins cannot be revoked, which their results say).
	 * @return what was removed, and what happened to the tokens of each at the provider
	 */
	public List<LoggedOut> logoutAll() {
		List<LoggedOut> removed = new ArrayList<>();
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
				.noneMatch((loggedOut) -> loggedOut.login().registrationId().equals(rest.registrationId())
						&& loggedOut.login().account().equals(rest.account()))) {
				removed.add(this.revocation.unread(rest));
			}
		}
		return removed;
	}

	/**
	 * The stored login as read under its lock, or {@code null} if there is none or it cannot be read (another
	 * key, another client): it is removed all the same, and its result says it could not be revoked.
	 */
	private static @Nullable OAuth2AuthorizedClient loadedOrNull(LockedLogin locked) {
		try {
			return locked.load();
		}
		catch (TokenStoreException ex) {
			logger.debug("The login of '" + locked.registrationId() + "' to remove cannot be read: "
					+ ex.getClass().getSimpleName());
			return null;
		}
	}

	/** The stored login a new login replaces, or {@code null} if there is none or it cannot be read. */
	private @Nullable OAuth2AuthorizedClient storedOrNull(String registrationId, String account) {
		try {
			return this.store.loadAuthorizedClient(registrationId, account);
		}
		catch (TokenStoreException ex) {
			return null;
		}
	}

	/** A new login, with the login it replaced, which leaves the lock only in this record for the revocation. */
	private record Replacement(OAuth2AuthorizedClient client, @Nullable OAuth2AuthorizedClient replaced) {

		@Override
		public String toString() {
			// Never the tokens.
			return "Replacement[" + this.client.getClientRegistration().getRegistrationId() + "]";
		}

	}

	/** What a logout removed, with its tokens, which leave the lock only in this record for the revocation. */
	private record Removal(Optional<StoredLogin> removed, @Nullable OAuth2AuthorizedClient tokens) {

		@Override
		public String toString() {
			// Never the tokens.
			return "Removal[" + this.removed + "]";
		}

	}

	/**
	 * A login that {@link #logout} removed, and what happened to its tokens at the provider.
	 *
	 * @param login what was removed (never a token value)
	 * @param revocation what happened to its tokens at the provider
	 * @param description one line for the user saying what happened at the provider and, when a token could not be
	 * revoked, that it may still be valid there until it expires; never a token value
	 */
	public record LoggedOut(StoredLogin login, Revocation revocation, String description) {

		/**
		 * What happened to the tokens of a removed login at the provider.
		 */
		public enum Revocation {

			/** The provider confirmed the revocation of every token of the login (RFC 7009's 200). */
			REVOKED,

			/**
			 * At least one token was not revoked (no connection, an error answer, tokens that could not be read): it
			 * may still be valid at the provider until it expires. Logged as a warning.
			 */
			FAILED,

			/** The provider has no revocation endpoint: the tokens stay valid there until they expire. */
			NO_ENDPOINT,

			/** Revocation on logout is turned off ({@code oauth-callback.logout.revoke=false}). */
			OFF

		}

	}

	/**
	 * Runs the action while holding this JVM's lock for the login, then publishes the refresh events it held back,
	 * outside the lock.
	 */
	private @Nullable OAuth2AuthorizedClient inTurn(String registrationId, String account,
			Supplier<@Nullable OAuth2AuthorizedClient> action) {
		return this.locks
			.locked(key(registrationId, account), () -> this.events.holding(registrationId, account, action))
			.publish();
	}

	/**
	 * Runs the action while holding this JVM's lock for the login and the store's lock across processes.
	 */
	private <T extends @Nullable Object> T exclusively(String registrationId, String account,
			Function<? super LockedLogin, T> action) {
		return this.locks.locked(key(registrationId, account),
				() -> this.store.exclusively(registrationId, account, action));
	}

	private static String key(String registrationId, String account) {
		return registrationId + "\n" + account;
	}

	/** Number of per-login locks currently held or waited for, for tests. */
	public int lockCount() {
		return this.locks.size();
	}

	/** Number of threads holding or waiting for the lock of one login, for tests. */
	public int lockUsers(String registrationId, String account) {
		return this.locks.users(key(registrationId, account));
	}

	private boolean valid(@Nullable OAuth2AuthorizedClient client, Duration margin) {
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
		return IdTokenKeepingProvider.withIdToken(new OAuth2AuthorizedClient(client.getClientRegistration(),
				client.getPrincipalName(), expiredToken, client.getRefreshToken()), client);
	}

}

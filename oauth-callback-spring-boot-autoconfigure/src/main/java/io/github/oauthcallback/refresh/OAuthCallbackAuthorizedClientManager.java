package io.github.oauthcallback.refresh;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.github.oauthcallback.Accounts;
import io.github.oauthcallback.InvalidConfigurationException;
import io.github.oauthcallback.Registrations;
import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.TokenRefreshException;
import io.github.oauthcallback.store.TokenStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * The {@link OAuth2AuthorizedClientManager} of this starter: Spring Security's
 * {@link AuthorizedClientServiceOAuth2AuthorizedClientManager} with the provider chain "stored and valid → refresh
 * token → interactive loopback login", made safe for concurrent callers:
 * <ul>
 * <li>a valid stored token is returned without taking any lock;</li>
 * <li>otherwise callers for the same registration and account take turns, in this JVM and (through
 * {@link TokenStore#exclusively}) across processes or nodes sharing the store, and each re-reads the stored login
 * first, so a token refreshed by someone else is used instead of being refreshed again;</li>
 * <li>a refused refresh token ({@code invalid_grant}) removes the stored login only if it is still the one that was
 * refused (never a newer one saved by someone else), then a new login is started or
 * {@code ReauthorizationRequiredException} thrown; other failures keep it and throw
 * {@link TokenRefreshException};</li>
 * <li>an OpenID Connect login keeps its ID token across refreshes.</li>
 * </ul>
 * Requests without a principal, or with Spring's anonymous one, use the default account.
 */
public final class OAuthCallbackAuthorizedClientManager implements OAuth2AuthorizedClientManager {

	private static final Log logger = LogFactory.getLog(OAuthCallbackAuthorizedClientManager.class);

	private final ClientRegistrationRepository registrations;

	private final TokenStore store;

	private final AuthorizedClientServiceOAuth2AuthorizedClientManager delegate;

	private final Duration clockSkew;

	private final String defaultAccount;

	private final Clock clock;

	private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

	/** The login being refreshed by this thread; Spring's manager gives its success handler no attributes. */
	private final ThreadLocal<OAuth2AuthorizedClient> previous = new ThreadLocal<>();

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
		this.registrations = registrations;
		this.store = store;
		this.clockSkew = clockSkew;
		this.defaultAccount = defaultAccount;
		this.clock = clock;
		this.delegate = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, store);
		this.delegate.setAuthorizedClientProvider(provider);
		this.delegate.setContextAttributesMapper((request) -> new HashMap<>(request.getAttributes()));
		this.delegate.setAuthorizationSuccessHandler(
				(client, principal, attributes) -> store.saveAuthorizedClient(withIdToken(client, this.previous.get()),
						principal));
		// Spring's default handler removes the stored login on invalid_grant, even one a concurrent refresh just
		// saved; failures are handled below instead.
		this.delegate.setAuthorizationFailureHandler((failure, principal, attributes) -> {
		});
	}

	@Override
	public OAuth2AuthorizedClient authorize(OAuth2AuthorizeRequest request) {
		String registrationId = request.getClientRegistrationId();
		if (this.registrations.findByRegistrationId(registrationId) == null) {
			List<String> ids = Registrations.ids(this.registrations);
			throw new InvalidConfigurationException("There is no client registration '" + registrationId
					+ "' (declared: " + (ids.isEmpty() ? "none" : String.join(", ", ids)) + "). Declare it under "
					+ "spring.security.oauth2.client.registration." + registrationId + ".* or use a declared id.");
		}
		String account = Accounts.of(request.getPrincipal(), this.defaultAccount);
		OAuth2AuthorizedClient stored = this.store.loadAuthorizedClient(registrationId, account);
		if (valid(stored, this.clockSkew)) {
			return stored;
		}
		return exclusively(registrationId, account, () -> {
			OAuth2AuthorizedClient current = this.store.loadAuthorizedClient(registrationId, account);
			if (valid(current, this.clockSkew)) {
				return current;
			}
			return authorizeLocked(registrationId, account, current, request.getAttributes());
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
	public OAuth2AuthorizedClient refresh(String registrationId, String account, Duration window) {
		return exclusively(registrationId, account, () -> {
			OAuth2AuthorizedClient current = this.store.loadAuthorizedClient(registrationId, account);
			if (current == null || current.getRefreshToken() == null || valid(current, window)) {
				return current;
			}
			return authorizeLocked(registrationId, account, expired(current),
					Map.of(LoopbackAuthorizedClientProvider.INTERACTIVE_ATTRIBUTE, false));
		});
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

	private OAuth2AuthorizedClient authorizeLocked(String registrationId, String account,
			OAuth2AuthorizedClient current, Map<String, Object> attributes) {
		this.previous.set(current);
		try {
			return withIdToken(this.delegate.authorize(request(registrationId, account, current, attributes, null)),
					current);
		}
		catch (ClientAuthorizationException ex) {
			String code = ex.getError().getErrorCode();
			if (!OAuth2ErrorCodes.INVALID_GRANT.equals(code)) {
				throw refreshFailure(registrationId, account, code, ex);
			}
			OAuth2AuthorizedClient now = this.store.loadAuthorizedClient(registrationId, account);
			if (now != null && current != null && sameAccessToken(now, current)) {
				this.store.removeAuthorizedClient(registrationId, account);
			}
			logger.info("The refresh token of '" + registrationId + "' for account '" + account
					+ "' was refused (invalid_grant); a new login is needed");
			this.previous.remove();
			return this.delegate.authorize(request(registrationId, account, null, attributes,
					"the stored refresh token was refused (invalid_grant)"));
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

	private <T> T exclusively(String registrationId, String account, Supplier<T> action) {
		ReentrantLock lock = this.locks.computeIfAbsent(registrationId + "\n" + account, (key) -> new ReentrantLock());
		lock.lock();
		try {
			return this.store.exclusively(registrationId, account, action);
		}
		finally {
			lock.unlock();
		}
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

	private static TokenRefreshException refreshFailure(String registrationId, String account, String code,
			Throwable ex) {
		IOException io = null;
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (current instanceof IOException ioException) {
				io = ioException;
				break;
			}
		}
		String what = (io instanceof SocketTimeoutException) ? "the token endpoint did not answer in time"
				: (io != null) ? "the token endpoint could not be reached (" + io.getClass().getSimpleName() + ")"
						: "the token endpoint answered with error '" + code + "'";
		return new TokenRefreshException(code, "Refreshing the token of registration '" + registrationId
				+ "' for account '" + account + "' failed: " + what + ". The stored login is kept; try again later, "
				+ "or check the network and the provider's token-uri.", io);
	}

}

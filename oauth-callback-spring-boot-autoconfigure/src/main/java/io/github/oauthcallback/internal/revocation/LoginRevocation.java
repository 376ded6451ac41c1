package io.github.oauthcallback.internal.revocation;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager.LoggedOut;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager.LoggedOut.Revocation;
import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointClients;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointFailure;
import io.github.oauthcallback.internal.tokenendpoint.TokenRevocationClient;
import io.github.oauthcallback.store.StoredLogin;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AbstractOAuth2Token;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.util.StringUtils;

/**
 * Revokes the tokens of a login the client manager removed or replaced, at the provider's revocation endpoint
 * (RFC 7009): the one configured for the registration ({@code oauth-callback.registrations.<id>.revocation-uri}),
 * else the {@value #REVOCATION_ENDPOINT} of its discovered metadata. The caller has already removed or replaced the
 * login and released the store's lock; the tokens it passes live only for this call.
 * <ul>
 * <li>On logout the refresh token is revoked first (hint {@code refresh_token}), then the access token (hint
 * {@code access_token}) whatever the first answer was: RFC 7009 says a server SHOULD revoke the access tokens of a
 * revoked refresh token, not that it MUST, and a server that does cascade answers the second request with 200
 * anyway.</li>
 * <li>A provider without an endpoint is skipped with one INFO line.</li>
 * <li>A failure (no connection, a timeout, any error answer, {@code unsupported_token_type}, 503 with
 * {@code Retry-After}) is reported once, as a WARNING saying the token may still be valid at the provider until it
 * expires; it is not retried, so a logout never waits long for a provider that is down. Token values never appear in
 * what is logged or returned.</li>
 * <li>After a new login replaced a stored one, the replaced refresh token is revoked if it differs from the new one
 * (the access token it came with expires on its own); a provider without an endpoint is skipped silently (DEBUG),
 * since that would be said at every login.</li>
 * </ul>
 */
public final class LoginRevocation {

	/** The name of the revocation endpoint in provider metadata (RFC 8414). */
	public static final String REVOCATION_ENDPOINT = "revocation_endpoint";

	private static final Log logger = LogFactory.getLog(LoginRevocation.class);

	private static final String IT_MAY_STILL_BE_VALID = "it may still be valid at the provider until it expires";

	private static final String THEY_MAY_STILL_BE_VALID = "they may still be valid at the provider until they expire";

	private final TokenRevocationClient client;

	private final Map<String, URI> endpoints;

	private final boolean onLogout;

	private final boolean onReplacedLogin;

	/**
	 * @param client sends the revocation requests
	 * @param endpoints configured revocation endpoints by registration id, ahead of the discovered ones
	 * @param onLogout whether a logout revokes the removed login's tokens
	 * @param onReplacedLogin whether a new login revokes the refresh token of the login it replaced
	 */
	public LoginRevocation(TokenRevocationClient client, Map<String, URI> endpoints, boolean onLogout,
			boolean onReplacedLogin) {
		this.client = client;
		this.endpoints = Map.copyOf(endpoints);
		this.onLogout = onLogout;
		this.onReplacedLogin = onReplacedLogin;
	}

	/**
	 * Revocation on logout and on a replacing login, with the starter's default token endpoint timeouts (10 s
	 * connect, 30 s read) and endpoints from discovery only.
	 * @return the revocation
	 */
	public static LoginRevocation defaults() {
		return new LoginRevocation(new TokenRevocationClient(
				() -> TokenEndpointClients.restClient(Duration.ofSeconds(10), Duration.ofSeconds(30))), Map.of(),
				true, true);
	}

	/**
	 * @return whether a logout revokes: when not, the removed login's tokens need not be read
	 */
	public boolean onLogout() {
		return this.onLogout;
	}

	/**
	 * @return whether a new login revokes the refresh token it replaced: when not, the replaced login need not be
	 * read
	 */
	public boolean onReplacedLogin() {
		return this.onReplacedLogin;
	}

	/**
	 * Revokes the tokens of a removed login, best effort, and says what happened.
	 * @param removed what the store removed
	 * @param registration its registration, or {@code null} if it is no longer configured
	 * @param tokens its tokens as read under the lock before the removal, or {@code null} if they could not be read
	 * @return the removed login with what happened at the provider
	 */
	public LoggedOut afterLogout(StoredLogin removed, @Nullable ClientRegistration registration,
			@Nullable OAuth2AuthorizedClient tokens) {
		String login = "'" + removed.registrationId() + "' (account '" + removed.account() + "')";
		if (!this.onLogout) {
			logger.debug("Not revoking the tokens of " + login + ": oauth-callback.logout.revoke is false");
			return new LoggedOut(removed, Revocation.OFF, "Not revoked at the provider (oauth-callback.logout.revoke "
					+ "is false): the tokens stay valid there until they expire.");
		}
		if (registration == null) {
			return failed(removed, login, "Registration '" + removed.registrationId() + "' is no longer configured, so "
					+ "its tokens could not be revoked: " + THEY_MAY_STILL_BE_VALID + ".");
		}
		URI endpoint = endpoint(registration);
		if (endpoint == null) {
			String description = "The provider has no revocation endpoint (no " + REVOCATION_ENDPOINT + " in its "
					+ "metadata, no oauth-callback.registrations." + removed.registrationId() + ".revocation-uri): the "
					+ "tokens were only forgotten here and stay valid at the provider until they expire.";
			logger.info("Logged out of " + login + " here only. " + description);
			return new LoggedOut(removed, Revocation.NO_ENDPOINT, description);
		}
		if (tokens == null) {
			return failed(removed, login, "The stored tokens could not be read, so they were not revoked: "
					+ THEY_MAY_STILL_BE_VALID + ".");
		}
		OAuth2RefreshToken refreshToken = tokens.getRefreshToken();
		String refreshFailure = (refreshToken != null)
				? revoke(registration, endpoint, refreshToken, TokenRevocationClient.REFRESH_TOKEN) : null;
		String accessFailure = revoke(registration, endpoint, tokens.getAccessToken(),
				TokenRevocationClient.ACCESS_TOKEN);
		if (refreshFailure == null && accessFailure == null) {
			String revoked = (refreshToken != null) ? "the refresh token and the access token" : "the access token";
			logger.debug("Revoked " + revoked + " of " + login + " at " + endpoint);
			return new LoggedOut(removed, Revocation.REVOKED, "Revoked " + revoked + " at the provider.");
		}
		if (refreshToken != null && refreshFailure == null) {
			return failed(removed, login, "Revoked the refresh token at the provider, but not the access token ("
					+ accessFailure + "): " + IT_MAY_STILL_BE_VALID + ".");
		}
		if (refreshFailure != null && accessFailure == null) {
			return failed(removed, login, "Revoked the access token at the provider, but not the refresh token ("
					+ refreshFailure + "): " + IT_MAY_STILL_BE_VALID + ".");
		}
		if (refreshFailure == null) {
			return failed(removed, login, "Could not revoke the access token at the provider (" + accessFailure
					+ "): " + IT_MAY_STILL_BE_VALID + ".");
		}
		return failed(removed, login, "Could not revoke the tokens at the provider (refresh token: " + refreshFailure
				+ "; access token: " + accessFailure + "): " + THEY_MAY_STILL_BE_VALID + ".");
	}

	/**
	 * What happened to a removed login whose tokens were never read (the store could not list it).
	 * @param removed what the store removed
	 * @return the removed login: not revoked
	 */
	public LoggedOut unread(StoredLogin removed) {
		return afterLogout(removed, null, null);
	}

	/**
	 * Revokes the refresh token of a login that a new login replaced, best effort, if it differs from the new one.
	 * Failures are logged as a warning.
	 * @param replaced the login stored before, or {@code null} if there was none (or it could not be read)
	 * @param current the new login
	 */
	public void afterReplacedLogin(@Nullable OAuth2AuthorizedClient replaced, OAuth2AuthorizedClient current) {
		if (!this.onReplacedLogin || replaced == null || replaced.getRefreshToken() == null) {
			return;
		}
		OAuth2RefreshToken old = replaced.getRefreshToken();
		if (current.getRefreshToken() != null
				&& old.getTokenValue().equals(current.getRefreshToken().getTokenValue())) {
			return;
		}
		ClientRegistration registration = current.getClientRegistration();
		String login = "'" + registration.getRegistrationId() + "' (account '" + current.getPrincipalName() + "')";
		URI endpoint = endpoint(registration);
		if (endpoint == null) {
			logger.debug("Not revoking the refresh token the new login of " + login
					+ " replaced: the provider has no revocation endpoint");
			return;
		}
		String failure = revoke(registration, endpoint, old, TokenRevocationClient.REFRESH_TOKEN);
		if (failure != null) {
			logger.warn("Could not revoke the refresh token that the new login of " + login + " replaced (" + failure
					+ "): " + IT_MAY_STILL_BE_VALID + ".");
		}
		else {
			logger.debug("Revoked the refresh token that the new login of " + login + " replaced");
		}
	}

	/**
	 * @return the registration's revocation endpoint, or {@code null} if it has none
	 */
	@Nullable URI endpoint(ClientRegistration registration) {
		URI configured = this.endpoints.get(registration.getRegistrationId());
		if (configured != null) {
			return configured;
		}
		Object advertised = registration.getProviderDetails().getConfigurationMetadata().get(REVOCATION_ENDPOINT);
		if (advertised == null || !StringUtils.hasText(advertised.toString())) {
			return null;
		}
		try {
			URI uri = URI.create(advertised.toString().trim());
			if (uri.isAbsolute() && ("https".equalsIgnoreCase(uri.getScheme())
					|| "http".equalsIgnoreCase(uri.getScheme()))) {
				return uri;
			}
		}
		catch (IllegalArgumentException ex) {
			// unusable: as if there were none
		}
		logger.debug("Ignoring the " + REVOCATION_ENDPOINT + " of '" + registration.getRegistrationId()
				+ "': not an absolute http(s) URI");
		return null;
	}

	/**
	 * @return {@code null} if the provider confirmed, else what went wrong (never a token value)
	 */
	private @Nullable String revoke(ClientRegistration registration, URI endpoint, AbstractOAuth2Token token,
			String hint) {
		try {
			this.client.revoke(registration, endpoint, token.getTokenValue(), hint);
			return null;
		}
		catch (RuntimeException ex) {
			return describe(TokenEndpointFailure.of(ex));
		}
	}

	private static String describe(TokenEndpointFailure failure) {
		if (failure instanceof TokenEndpointFailure.Answer answer) {
			return "HTTP " + answer.status() + ", " + answer.error().getErrorCode()
					+ ((answer.retryAfter() != null) ? ", asked to retry after " + answer.retryAfter().toSeconds()
							+ " s" : "");
		}
		if (failure instanceof TokenEndpointFailure.Unreachable unreachable) {
			return "could not connect: " + unreachable.cause().getClass().getSimpleName();
		}
		if (failure instanceof TokenEndpointFailure.Timeout) {
			return "no answer in time";
		}
		if (failure instanceof TokenEndpointFailure.IoFailure io) {
			return "the connection failed: " + io.cause().getClass().getSimpleName();
		}
		return SafeText.describe(((TokenEndpointFailure.Other) failure).failure());
	}

	private static LoggedOut failed(StoredLogin removed, String login, String description) {
		logger.warn("Logged out of " + login + " here, but: " + description);
		return new LoggedOut(removed, Revocation.FAILED, description);
	}

}

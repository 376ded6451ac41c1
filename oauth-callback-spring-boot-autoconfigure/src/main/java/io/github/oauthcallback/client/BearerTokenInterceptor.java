package io.github.oauthcallback.client;

import java.io.IOException;
import java.util.function.Function;

import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.InvalidRegistrationException;
import io.github.oauthcallback.internal.ClientWireLogging;
import io.github.oauthcallback.internal.JdkHttpLogging;
import io.github.oauthcallback.internal.Origin;
import io.github.oauthcallback.internal.TokenOriginException;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.ClientAttributes;
import org.springframework.security.oauth2.client.web.client.RequestAttributePrincipalResolver;

/**
 * Adds the bearer token of a registration and account to a request, logging in or refreshing through the client
 * manager when needed. When the resource server answers 401, the token is marked expired and the request is sent
 * once more with a refreshed (or newly obtained) token; a second 401 is returned to the caller. If the manager hands
 * back the same token, the first 401 is returned; if it cannot get one, its exception is thrown (and the 401 response
 * is closed).
 * <p>
 * Only the starter's {@link OAuthCallbackAuthorizedClientManager} can mark a refused token expired. With any other
 * {@link OAuth2AuthorizedClientManager} the token is still sent, but the first 401 is returned as it is.
 * <p>
 * An interceptor {@linkplain #pinned pinned} to an origin (a client with a base URL) adds the token only to requests
 * to that origin (scheme, host and port): a request naming another one (an absolute or protocol-relative URI, which
 * Spring sends there instead of below the base URL) fails with a {@link TokenOriginException} before any token is
 * obtained and without being sent.
 */
final class BearerTokenInterceptor implements ClientHttpRequestInterceptor {

	private static final RequestAttributePrincipalResolver PRINCIPALS = new RequestAttributePrincipalResolver();

	private final OAuth2AuthorizedClientManager manager;

	private final Function<HttpRequest, @Nullable Target> targets;

	private final @Nullable Pin pin;

	private BearerTokenInterceptor(OAuth2AuthorizedClientManager manager,
			Function<HttpRequest, @Nullable Target> targets, @Nullable Pin pin) {
		this.manager = manager;
		this.targets = targets;
		this.pin = pin;
		// The token goes into an Authorization header, which HttpURLConnection (and Apache HttpClient, Jetty) log at
		// DEBUG.
		JdkHttpLogging.holdAtInfo();
		ClientWireLogging.holdAtInfo();
	}

	/**
	 * @return an interceptor that always sends the token of one registration and account
	 */
	static BearerTokenInterceptor of(OAuth2AuthorizedClientManager manager, String registrationId, String account) {
		Target target = new Target(registrationId, account);
		return new BearerTokenInterceptor(manager, (request) -> target, null);
	}

	/**
	 * @param manager the client manager
	 * @param registrationId the registration whose token is sent
	 * @param account the account whose token is sent
	 * @param origin the only origin the token is sent to
	 * @return an interceptor that sends the token of one registration and account only to requests to
	 * {@code origin}, and refuses the others with a {@link TokenOriginException}
	 */
	static BearerTokenInterceptor pinned(OAuth2AuthorizedClientManager manager, String registrationId, String account,
			Origin origin) {
		Target target = new Target(registrationId, account);
		return new BearerTokenInterceptor(manager, (request) -> target, new Pin(origin));
	}

	/**
	 * @return an interceptor that reads the registration from each request's attributes, as Spring Security's
	 * {@code @ClientRegistrationId} and {@code ClientAttributes.clientRegistrationId(...)} set it, and the account
	 * from {@code RequestAttributePrincipalResolver.principal(...)}, else the default account; requests without a
	 * registration are sent unchanged
	 */
	static BearerTokenInterceptor fromRequestAttributes(OAuth2AuthorizedClientManager manager, String defaultAccount) {
		return new BearerTokenInterceptor(manager, (request) -> {
			String registrationId = ClientAttributes.resolveClientRegistrationId(request.getAttributes());
			return (registrationId != null)
					? new Target(registrationId, Accounts.of(PRINCIPALS.resolve(request), defaultAccount)) : null;
		}, null);
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		Target target = this.targets.apply(request);
		if (target == null) {
			return execution.execute(request, body);
		}
		if (this.pin != null) {
			this.pin.check(request, target);
		}
		OAuth2AuthorizedClient client = authorize(target);
		request.getHeaders().setBearerAuth(client.getAccessToken().getTokenValue());
		ClientHttpResponse response = execution.execute(request, body);
		if (response.getStatusCode().value() != HttpStatus.UNAUTHORIZED.value()
				|| !(this.manager instanceof OAuthCallbackAuthorizedClientManager ours)) {
			return response;
		}
		OAuth2AuthorizedClient renewed;
		boolean renewing = true;
		try {
			ours.invalidate(client);
			renewed = authorize(target);
			renewing = false;
		}
		finally {
			if (renewing) {
				response.close();
			}
		}
		if (renewed.getAccessToken().getTokenValue().equals(client.getAccessToken().getTokenValue())) {
			return response;
		}
		response.close();
		request.getHeaders().setBearerAuth(renewed.getAccessToken().getTokenValue());
		return execution.execute(request, body);
	}

	private OAuth2AuthorizedClient authorize(Target target) {
		OAuth2AuthorizedClient client = this.manager.authorize(OAuth2AuthorizeRequest
			.withClientRegistrationId(target.registrationId())
			.principal(Accounts.principal(target.account()))
			.build());
		if (client == null) {
			throw new InvalidRegistrationException(target.registrationId(), "authorization-grant-type", "Registration '"
					+ target.registrationId() + "' yields no token: its grant type is neither authorization_code, "
					+ "refresh_token nor client_credentials.");
		}
		return client;
	}

	/** The origin a client's token is pinned to. */
	private record Pin(Origin origin) {

		void check(HttpRequest request, Target target) {
			Origin requested = Origin.of(request.getURI());
			if (this.origin.equals(requested)) {
				return;
			}
			// Only the origin is shown: a path or query may carry values the user would not want in a log.
			throw new TokenOriginException("A RestClient pinned to its base URL (a declared client "
					+ "oauth-callback.clients.<name> or one built with OAuthCallbackRestClients.client(registration, "
					+ "account, baseUrl)) sends the token of registration '" + target.registrationId() + "' only to "
					+ this.origin + ", the origin of its base URL, but a request named "
					+ ((requested != null) ? requested.toString() : "a URI without an http(s) origin")
					+ ": nothing was sent. Give the request a path starting with a single '/' (below the base URL), "
					+ "or use a client without a token (or one whose base URL is that origin) for other hosts.");
		}

	}

	/** Whose token a request gets. */
	private record Target(String registrationId, String account) {

	}

}

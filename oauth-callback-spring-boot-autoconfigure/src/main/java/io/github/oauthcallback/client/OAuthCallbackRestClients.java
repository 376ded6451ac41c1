package io.github.oauthcallback.client;

import java.util.function.Consumer;

import io.github.oauthcallback.internal.Origin;

import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.web.client.RestClient;

/**
 * Makes {@link RestClient}s that send the bearer token of a registration:
 * <pre>{@code
 * RestClient github = restClientBuilder.baseUrl("https://api.github.com")
 *     .apply(oauthCallbackRestClients.client("github"))
 *     .build();
 * }</pre>
 * The first request logs in if no login is stored (and this run may open a browser); later ones use the stored
 * token, refreshing it when it expires; a 401 triggers one refresh-and-retry. The tokens come from any
 * {@link OAuth2AuthorizedClientManager}; the refresh-and-retry after a 401 needs the starter's
 * {@link OAuthCallbackAuthorizedClientManager} (with another manager the 401 is returned as it is).
 * <p>
 * Where the token goes: {@link #client(String)} and {@link #client(String, String)} add it to every request of the
 * built client, whatever its URI; they cannot see the builder's base URL ({@code RestClient.Builder} has no getter),
 * and a request to an absolute or protocol-relative URI ({@code https://elsewhere.example/x},
 * {@code //elsewhere.example/x}) goes to that host instead of below the base URL. To pin the token to the base URL's
 * origin (scheme, host, port), as the declared clients ({@code oauth-callback.clients.<name>}) do, let this class set
 * the base URL with {@link #client(String, String, String)}: a request to another origin then fails with an
 * {@code OAuthCallbackException} naming the allowed origin, and is not sent.
 */
public final class OAuthCallbackRestClients {

	private final OAuth2AuthorizedClientManager manager;

	private final String defaultAccount;

	/**
	 * @param manager the client manager (the starter's, for the retry after a 401)
	 * @param defaultAccount the account used when none is named
	 */
	public OAuthCallbackRestClients(OAuth2AuthorizedClientManager manager, String defaultAccount) {
		this.manager = manager;
		this.defaultAccount = defaultAccount;
	}

	/**
	 * @return the account used when none is named
	 */
	public String defaultAccount() {
		return this.defaultAccount;
	}

	/**
	 * @param registrationId the registration whose token is sent
	 * @return a builder customization adding the token of the default account
	 */
	public Consumer<RestClient.Builder> client(String registrationId) {
		return client(registrationId, this.defaultAccount);
	}

	/**
	 * @param registrationId the registration whose token is sent
	 * @param account the account whose token is sent
	 * @return a builder customization adding that token
	 */
	public Consumer<RestClient.Builder> client(String registrationId, String account) {
		ClientHttpRequestInterceptor interceptor = interceptor(registrationId, account);
		return (builder) -> builder.requestInterceptor(interceptor);
	}

	/**
	 * A customization setting the base URL and adding the token only to requests to its origin (scheme, host and
	 * port): a request to an absolute or protocol-relative URI of another origin fails with an
	 * {@code OAuthCallbackException} naming that allowed origin, before any token is obtained, and is not sent.
	 * @param registrationId the registration whose token is sent
	 * @param account the account whose token is sent
	 * @param baseUrl the base URL, an absolute {@code http} or {@code https} URL with a host
	 * @return a builder customization setting the base URL and adding that token to requests to its origin
	 * @throws IllegalArgumentException if {@code baseUrl} is not an absolute {@code http} or {@code https} URL with a
	 * host
	 */
	public Consumer<RestClient.Builder> client(String registrationId, String account, String baseUrl) {
		Origin origin = origin(baseUrl);
		ClientHttpRequestInterceptor interceptor = BearerTokenInterceptor.pinned(this.manager, registrationId, account,
				origin);
		return (builder) -> builder.baseUrl(baseUrl).requestInterceptor(interceptor);
	}

	/**
	 * @param baseUrl a base URL
	 * @return its origin
	 * @throws IllegalArgumentException if it has none
	 */
	private static Origin origin(String baseUrl) {
		Origin origin = Origin.ofBaseUrl(baseUrl);
		if (origin == null) {
			throw new IllegalArgumentException("The base URL '" + baseUrl + "' is not an absolute http or https URL "
					+ "with a host: give one such as 'https://api.example.com', which its token is pinned to.");
		}
		return origin;
	}

	/**
	 * @param registrationId the registration whose token is sent
	 * @param account the account whose token is sent
	 * @return the interceptor, for clients built by other means
	 */
	public ClientHttpRequestInterceptor interceptor(String registrationId, String account) {
		return BearerTokenInterceptor.of(this.manager, registrationId, account);
	}

}

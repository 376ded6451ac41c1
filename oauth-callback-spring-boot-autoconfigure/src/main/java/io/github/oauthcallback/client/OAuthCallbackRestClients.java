package io.github.oauthcallback.client;

import java.util.function.Consumer;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;

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
	 * @param registrationId the registration whose token is sent
	 * @param account the account whose token is sent
	 * @return the interceptor, for clients built by other means
	 */
	public ClientHttpRequestInterceptor interceptor(String registrationId, String account) {
		return BearerTokenInterceptor.of(this.manager, registrationId, account);
	}

}

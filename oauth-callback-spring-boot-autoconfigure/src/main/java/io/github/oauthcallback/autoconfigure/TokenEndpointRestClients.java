package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.authorize.TokenEndpointClients;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.security.oauth2.client.endpoint.AbstractRestClientOAuth2AccessTokenResponseClient;
import org.springframework.web.client.RestClient;

/**
 * Builds the token endpoint clients of the auto-configurations from Spring Boot's HTTP client beans, when there are
 * any, so {@code spring.http.clients.*} (an SSL bundle with a company CA, the client library) applies to them too;
 * timeouts come from {@code oauth-callback.http.*}.
 */
final class TokenEndpointRestClients {

	private TokenEndpointRestClients() {
	}

	/**
	 * Sets up one of Spring Security's token response clients with a client from {@link #create} (see
	 * {@link TokenEndpointClients#configure}: its form bodies print no secret).
	 */
	static <C extends AbstractRestClientOAuth2AccessTokenResponseClient<?>> C configure(C client,
			OAuthCallbackProperties properties, ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories,
			ObjectProvider<HttpClientSettings> settings) {
		return TokenEndpointClients.configure(client, create(properties, factories, settings));
	}

	static RestClient create(OAuthCallbackProperties properties,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories, ObjectProvider<HttpClientSettings> settings) {
		return TokenEndpointClients.restClient(factories.getIfAvailable(ClientHttpRequestFactoryBuilder::detect),
				settings.getIfAvailable(HttpClientSettings::defaults), properties.http().connectTimeout(),
				properties.http().readTimeout(), properties.refresh().lifetimeWhenUnknown());
	}

}

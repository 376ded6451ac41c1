package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.internal.http.ProviderRestClients;
import io.github.oauthcallback.internal.mcp.McpRegistrations;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointClients;
import io.github.oauthcallback.internal.tokenendpoint.ResourceIndicators;
import io.github.oauthcallback.internal.tokenendpoint.TokenResponseClients;
import java.util.stream.Stream;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.web.client.RestClient;

/**
 * Builds the token endpoint clients of the auto-configurations from Spring Boot's {@code RestClient.Builder} and HTTP
 * client beans, when there are any, so its {@code RestClientCustomizer}s (HTTP client observations) and
 * {@code spring.http.clients.*} (an SSL bundle with a company CA, the client library) apply to them too; timeouts
 * come from {@code oauth-callback.token-endpoint.*}.
 */
final class TokenEndpointRestClients {

	private TokenEndpointRestClients() {
	}

	/**
	 * The factory of the token response clients. Boot's beans are looked up when a client is first used, not here.
	 */
	static TokenResponseClients tokenResponseClients(OAuthCallbackProperties properties,
			ObjectProvider<RestClient.Builder> builders, ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories,
			ObjectProvider<HttpClientSettings> settings) {
		return tokenResponseClients(properties, builders, factories, settings, ResourceIndicators.none());
	}

	/**
	 * The factory of the token response clients, which send the RFC 8707 {@code resource} of a registration.
	 */
	static TokenResponseClients tokenResponseClients(OAuthCallbackProperties properties,
			ObjectProvider<RestClient.Builder> builders, ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories,
			ObjectProvider<HttpClientSettings> settings, ResourceIndicators resources) {
		ProviderRestClients clients = providerRestClients(builders, factories, settings);
		return new TokenResponseClients(() -> TokenEndpointClients.restClient(clients,
				properties.tokenEndpoint().connectTimeout(), properties.tokenEndpoint().readTimeout(),
				properties.refresh().lifetimeWhenUnknown()), resources);
	}

	/**
	 * Where provider calls get their {@code RestClient}: a clone of the application's {@code RestClient.Builder}
	 * (Spring Boot's, with its customizers; a new builder when there is none or more than one), Boot's request factory
	 * builder and HTTP client settings. Each is looked up when a client is built.
	 */
	static ProviderRestClients providerRestClients(ObjectProvider<RestClient.Builder> builders,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories, ObjectProvider<HttpClientSettings> settings) {
		return new ProviderRestClients(builders::getIfUnique,
				() -> factories.getIfAvailable(ClientHttpRequestFactoryBuilder::detect),
				() -> settings.getIfAvailable(HttpClientSettings::defaults));
	}

	/**
	 * The resource indicators of the registrations: the MCP servers' first (their resource is the one their metadata
	 * names; a configured one never replaces it), then {@code oauth-callback.registrations.<id>.resource}, then the
	 * application's other {@link ResourceIndicators} beans in their order, asked at each request so that beans created
	 * after the token clients take part.
	 */
	static ResourceIndicators resourceIndicators(OAuthCallbackProperties properties,
			ObjectProvider<ResourceIndicators> beans) {
		ResourceIndicators configured = ResourceIndicators
			.byRegistrationId(OAuthCallbackProperties.Registration.resources(properties.registrations()));
		return ResourceIndicators.firstOf(() -> Stream.of(beans.orderedStream().filter(McpRegistrations.class::isInstance),
				Stream.of(configured), beans.orderedStream().filter((bean) -> !(bean instanceof McpRegistrations)))
			.flatMap((each) -> each));
	}

}

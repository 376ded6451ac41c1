package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.internal.http.ProviderRestClients;
import io.github.oauthcallback.internal.mcp.McpRegistrations;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointClients;
import io.github.oauthcallback.internal.tokenendpoint.ResourceIndicators;
import io.github.oauthcallback.internal.tokenendpoint.TokenResponseClients;
import java.util.stream.Stream;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.http.client.observation.ClientRequestObservationConvention;

/**
 * Builds the token endpoint clients of the auto-configurations from Spring Boot's HTTP client beans, when there are
 * any, so {@code spring.http.clients.*} (an SSL bundle with a company CA, the client library) and Boot's
 * {@code http.client.requests} observations apply to them too, but not the application's
 * {@code RestClientCustomizer}s or {@code RestClient.Builder}; timeouts come from
 * {@code oauth-callback.token-endpoint.*}.
 */
final class TokenEndpointRestClients {

	private TokenEndpointRestClients() {
	}

	/**
	 * The factory of the token response clients. Boot's beans are looked up when a client is first used, not here.
	 */
	static TokenResponseClients tokenResponseClients(OAuthCallbackProperties properties,
			ObjectProvider<ObservationRegistry> observations,
			ObjectProvider<ClientRequestObservationConvention> conventions, ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories,
			ObjectProvider<HttpClientSettings> settings) {
		return tokenResponseClients(properties, observations, conventions, factories, settings, ResourceIndicators.none());
	}

	/**
	 * The factory of the token response clients, which send the RFC 8707 {@code resource} of a registration.
	 */
	static TokenResponseClients tokenResponseClients(OAuthCallbackProperties properties,
			ObjectProvider<ObservationRegistry> observations,
			ObjectProvider<ClientRequestObservationConvention> conventions, ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories,
			ObjectProvider<HttpClientSettings> settings, ResourceIndicators resources) {
		ProviderRestClients clients = providerRestClients(observations, conventions, factories, settings);
		return new TokenResponseClients(() -> TokenEndpointClients.restClient(clients,
				properties.tokenEndpoint().connectTimeout(), properties.tokenEndpoint().readTimeout(),
				properties.refresh().lifetimeWhenUnknown()), resources);
	}

	/**
	 * Where provider calls get their {@code RestClient}: a new builder (not the application's: its customizers never
	 * see a provider call) with Spring Boot's observation registry and the application's client request observation
	 * convention, Boot's request factory builder and HTTP client settings. Each is looked up when a client is built.
	 */
	static ProviderRestClients providerRestClients(ObjectProvider<ObservationRegistry> observations,
			ObjectProvider<ClientRequestObservationConvention> conventions,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories, ObjectProvider<HttpClientSettings> settings) {
		return new ProviderRestClients(observations::getIfAvailable, conventions::getIfUnique,
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

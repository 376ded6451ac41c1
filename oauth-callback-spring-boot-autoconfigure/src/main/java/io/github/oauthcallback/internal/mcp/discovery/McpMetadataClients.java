package io.github.oauthcallback.internal.mcp.discovery;

import java.time.Duration;

import io.github.oauthcallback.internal.http.ProviderRestClients;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.web.client.RestClient;

/**
 * The {@link RestClient} MCP metadata is fetched with, built like the token endpoint's
 * ({@code internal.tokenendpoint.TokenEndpointClients}): a new {@code RestClient.Builder} (none of the application's
 * customizers) with Spring Boot's request factory builder, {@code spring.http.clients.*} settings and observations
 * (so an SSL bundle with a company CA applies), the given connect and read timeouts, and no redirects followed (a redirected metadata URL is reported, not followed). It carries no
 * bearer-token interceptor; {@link McpMetadataDiscovery} reads the bodies itself.
 */
public final class McpMetadataClients {

	private McpMetadataClients() {
	}

	/**
	 * @param factories builds the request factory (Spring Boot's {@code ClientHttpRequestFactoryBuilder} bean, or
	 * {@code ClientHttpRequestFactoryBuilder.detect()})
	 * @param base the application's HTTP client settings (Spring Boot's {@code HttpClientSettings} bean, or
	 * {@code HttpClientSettings.defaults()})
	 * @param connectTimeout the connect timeout
	 * @param readTimeout the read timeout
	 * @return a new client for metadata requests
	 */
	public static RestClient restClient(ClientHttpRequestFactoryBuilder<?> factories, HttpClientSettings base,
			Duration connectTimeout, Duration readTimeout) {
		return restClient(ProviderRestClients.of(() -> factories, () -> base), connectTimeout,
				readTimeout);
	}

	/**
	 * @param clients where the observations (never the application's {@code RestClient} customizers) and HTTP
	 * client settings come from
	 * @param connectTimeout the connect timeout
	 * @param readTimeout the read timeout
	 * @return a new client for metadata requests
	 */
	public static RestClient restClient(ProviderRestClients clients, Duration connectTimeout, Duration readTimeout) {
		return clients.builder(connectTimeout, readTimeout, HttpRedirects.DONT_FOLLOW).build();
	}

}

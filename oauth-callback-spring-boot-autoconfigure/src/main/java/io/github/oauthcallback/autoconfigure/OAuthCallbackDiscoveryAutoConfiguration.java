package io.github.oauthcallback.autoconfigure;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;

import io.github.oauthcallback.internal.discovery.CachingClientRegistrationMapper;
import io.github.oauthcallback.internal.discovery.DiscoveryCache;

import org.springframework.beans.factory.ObjectProvider;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.http.client.observation.ClientRequestObservationConvention;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.security.oauth2.client.autoconfigure.ConditionalOnOAuth2ClientRegistrationProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;

/**
 * Registers the {@link ClientRegistrationRepository} in place of Spring Boot's, so that a provider given by
 * {@code issuer-uri} is discovered once and then read from a cache file ({@code oauth-callback.discovery.cache.*}):
 * a start with a stored login then makes no network call. Registrations are otherwise mapped exactly as Spring Boot
 * maps them. Discovery goes through the application's HTTP client settings ({@code spring.http.clients.*}: SSL
 * bundle, timeouts; the client library's proxy; never a redirect, never the application's {@code RestClient}
 * customizers) and Boot's HTTP client observations, unlike Spring Boot's,
 * which uses Spring Security's own HTTP client. With {@code oauth-callback.discovery.cache.enabled=false} (read at run
 * time, so that it also holds in a Spring AOT build) every provider is discovered at every start and nothing is
 * written. A repository bean of the application's own replaces this one.
 */
@AutoConfiguration(before = OAuth2ClientAutoConfiguration.class)
@ConditionalOnClass(ClientRegistrationRepository.class)
@ConditionalOnOAuth2ClientRegistrationProperties
@Conditional(OAuthCallbackDiscoveryAutoConfiguration.NotReactiveWebApplication.class)
@EnableConfigurationProperties({ OAuth2ClientProperties.class, OAuthCallbackProperties.class })
public final class OAuthCallbackDiscoveryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(ClientRegistrationRepository.class)
	InMemoryClientRegistrationRepository clientRegistrationRepository(OAuth2ClientProperties clientProperties,
			OAuthCallbackProperties properties, Environment environment, ObjectProvider<ObservationRegistry> observations,
			ObjectProvider<ClientRequestObservationConvention> conventions,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories, ObjectProvider<HttpClientSettings> settings) {
		// The pre-registered clients of MCP servers have no provider: theirs is discovered from the server.
		OAuth2ClientProperties providers = withoutMcpClients(clientProperties, properties);
		OAuthCallbackProperties.Discovery.Cache cache = properties.discovery().cache();
		// Without the cache too, discovery goes through the application's HTTP client (not Spring Security's own).
		CachingClientRegistrationMapper mapper = new CachingClientRegistrationMapper(providers,
				cache.enabled() ? new DiscoveryCache(cacheDirectory(properties, environment)) : null,
				cache.timeToLive(), Clock.systemUTC(),
				properties.discovery().timeout(),
				TokenEndpointRestClients.providerRestClients(observations, conventions, factories, settings));
		return repository(mapper.asClientRegistrations());
	}

	/**
	 * @return the folder of the discovery cache: {@code oauth-callback.discovery.cache.directory}, else a
	 * {@code discovery} folder next to the token file
	 */
	static Path cacheDirectory(OAuthCallbackProperties properties, Environment environment) {
		Path directory = properties.discovery().cache().directory();
		return (directory != null) ? directory
				: OAuthCallbackStoreAutoConfiguration.tokenFile(properties, environment)
					.toAbsolutePath()
					.resolveSibling("discovery");
	}

	/**
	 * Empty when every registration is an MCP server's pre-registered client: the MCP servers' registrations are put
	 * in front of it.
	 */
	private static InMemoryClientRegistrationRepository repository(Map<String, ClientRegistration> registrations) {
		return registrations.isEmpty() ? new InMemoryClientRegistrationRepository(Map.of())
				: new InMemoryClientRegistrationRepository(new ArrayList<>(registrations.values()));
	}

	/**
	 * The properties without the registrations that {@code oauth-callback.mcp.servers.<name>.registration} names.
	 */
	static OAuth2ClientProperties withoutMcpClients(OAuth2ClientProperties clientProperties,
			OAuthCallbackProperties properties) {
		Set<String> mcpClients = properties.mcp().preRegisteredRegistrations();
		if (mcpClients.isEmpty()) {
			return clientProperties;
		}
		OAuth2ClientProperties providers = new OAuth2ClientProperties();
		providers.getProvider().putAll(clientProperties.getProvider());
		clientProperties.getRegistration().forEach((id, registration) -> {
			if (!mcpClients.contains(id)) {
				providers.getRegistration().put(id, registration);
			}
		});
		return providers;
	}

	/** As Spring Boot's own client registrations: not in a reactive web application. */
	static final class NotReactiveWebApplication extends NoneNestedConditions {

		NotReactiveWebApplication() {
			super(ConfigurationPhase.PARSE_CONFIGURATION);
		}

		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
		static final class Reactive {

		}

	}

}

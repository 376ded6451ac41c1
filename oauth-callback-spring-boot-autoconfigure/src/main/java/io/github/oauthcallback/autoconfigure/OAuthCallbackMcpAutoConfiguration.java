package io.github.oauthcallback.autoconfigure;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.time.Clock;

import io.github.oauthcallback.internal.discovery.DiscoveryCache;
import io.github.oauthcallback.internal.mcp.DiscoveryMetadataSource;
import io.github.oauthcallback.internal.mcp.discovery.McpMetadataClients;
import io.github.oauthcallback.internal.mcp.discovery.McpMetadataDiscovery;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.internal.mcp.McpAuthorizations;
import io.github.oauthcallback.internal.mcp.McpClientRegistrationFactory;
import io.github.oauthcallback.internal.mcp.McpClientSource;
import io.github.oauthcallback.internal.mcp.McpMetadataSource;
import io.github.oauthcallback.internal.mcp.McpRegistrations;
import io.github.oauthcallback.internal.mcp.McpServerUrls;
import io.github.oauthcallback.mcp.OAuthCallbackMcpTransports;
import io.github.oauthcallback.store.TokenStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.util.StringUtils;

/**
 * MCP client authorization for the MCP Java SDK: the {@link OAuthCallbackMcpTransports} bean, whose transports
 * discover a protected MCP server's authorization server, get a client identity, log in through the starter's client
 * manager and send the token (see its Javadoc), configured by {@code oauth-callback.mcp.*}. Needs the MCP Java SDK
 * on the classpath and the starter's client manager ({@link OAuthCallbackMcpRegistrationsAutoConfiguration} makes
 * the store, the login and the manager come up without any {@code spring.security.oauth2.client} registration); off
 * with {@code oauth-callback.mcp.enabled=false}. Each bean backs off for one of the application.
 */
@AutoConfiguration(after = { OAuthCallbackMcpRegistrationsAutoConfiguration.class,
		OAuthCallbackClientManagerAutoConfiguration.class })
@ConditionalOnClass(name = OAuthCallbackMcpRegistrationsAutoConfiguration.SDK_TRANSPORT)
@ConditionalOnBooleanProperty(name = "oauth-callback.mcp.enabled", matchIfMissing = true)
@ConditionalOnBean({ OAuthCallbackAuthorizedClientManager.class, McpRegistrations.class })
@EnableConfigurationProperties(OAuthCallbackProperties.class)
public final class OAuthCallbackMcpAutoConfiguration {

	/** The client name when neither oauth-callback.mcp.client-name nor spring.application.name is set. */
	static final String DEFAULT_CLIENT_NAME = "oauth-callback";

	/**
	 * Discovery of MCP servers and their authorization servers, cached like provider discovery
	 * ({@code oauth-callback.discovery.cache.*}, an {@code mcp} sub-folder), through the token endpoints' HTTP client
	 * settings and timeouts.
	 */
	@Bean
	@ConditionalOnMissingBean
	McpMetadataDiscovery oauthCallbackMcpMetadataDiscovery(OAuthCallbackProperties properties,
			Environment environment, ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories,
			ObjectProvider<HttpClientSettings> settings) {
		OAuthCallbackProperties.Discovery.Cache cache = properties.discovery().cache();
		DiscoveryCache discoveryCache = cache.enabled()
				? new DiscoveryCache(OAuthCallbackDiscoveryAutoConfiguration.cacheDirectory(properties, environment))
				: null;
		return new McpMetadataDiscovery(
				() -> McpMetadataClients.restClient(factories.getIfAvailable(ClientHttpRequestFactoryBuilder::detect),
						settings.getIfAvailable(HttpClientSettings::defaults),
						properties.tokenEndpoint().connectTimeout(), properties.tokenEndpoint().readTimeout()),
				discoveryCache, cache.timeToLive(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	McpMetadataSource oauthCallbackMcpMetadataSource(McpMetadataDiscovery discovery) {
		return new DiscoveryMetadataSource(discovery);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ McpMetadataSource.class, McpClientSource.class })
	McpAuthorizations oauthCallbackMcpAuthorizations(McpMetadataSource metadata, McpClientSource clients,
			McpRegistrations registrations, OAuthCallbackAuthorizedClientManager manager,
			OAuth2AuthorizedClientService authorizedClients, OAuthCallbackProperties properties,
			ObjectProvider<OAuth2ClientProperties> clientProperties, Environment environment) {
		return new McpAuthorizations(metadata, clients, registrations,
				new McpClientRegistrationFactory(clientName(properties, environment)), manager,
				TokenStore.of(authorizedClients), preRegistered(properties, clientProperties.getIfAvailable()),
				Accounts.defaultAccount(properties.login().account()), properties.mcp().maxAuthorizationAttempts());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(McpAuthorizations.class)
	OAuthCallbackMcpTransports oauthCallbackMcpTransports(McpAuthorizations authorizations) {
		return new OAuthCallbackMcpTransports(authorizations);
	}

	/**
	 * @return {@code oauth-callback.mcp.client-name}, else {@code spring.application.name}, else
	 * {@value #DEFAULT_CLIENT_NAME}
	 */
	static String clientName(OAuthCallbackProperties properties, Environment environment) {
		String configured = properties.mcp().clientName();
		if (StringUtils.hasText(configured)) {
			return configured;
		}
		String application = environment.getProperty("spring.application.name");
		return StringUtils.hasText(application) ? application : DEFAULT_CLIENT_NAME;
	}

	/**
	 * The registration id of each server's pre-registered client, by the server's comparable URL; each must name a
	 * declared registration.
	 */
	static Map<URI, String> preRegistered(OAuthCallbackProperties properties,
			OAuth2ClientProperties clientProperties) {
		Map<URI, String> registrations = new LinkedHashMap<>();
		properties.mcp().servers().forEach((name, server) -> {
			String registration = server.registration();
			if (!StringUtils.hasText(registration)) {
				return;
			}
			if (clientProperties == null || !clientProperties.getRegistration().containsKey(registration)) {
				throw new InvalidConfigurationPropertyValueException(
						"oauth-callback.mcp.servers." + name + ".registration", registration,
						"No registration '" + registration + "' is declared under "
								+ "spring.security.oauth2.client.registration: declare the server's pre-registered "
								+ "client there (client-id, and client-secret and client-authentication-method for a "
								+ "confidential client; no provider is needed), or remove the setting to register the "
								+ "client dynamically.");
			}
			registrations.put(McpServerUrls.comparable(server.url()), registration);
		});
		return registrations;
	}

}

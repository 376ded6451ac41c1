package io.github.oauthcallback.autoconfigure;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Clock;
import javax.sql.DataSource;

import io.github.oauthcallback.internal.discovery.DiscoveryCache;
import io.github.oauthcallback.internal.loopback.CallbackPages;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.internal.mcp.DiscoveryMetadataSource;
import io.github.oauthcallback.internal.mcp.IdentitiesClientSource;
import io.github.oauthcallback.internal.mcp.discovery.McpMetadataClients;
import io.github.oauthcallback.internal.mcp.discovery.McpMetadataDiscovery;
import io.github.oauthcallback.internal.mcp.registration.ClientIdentityOptions;
import io.github.oauthcallback.internal.mcp.registration.DynamicClientRegistration;
import io.github.oauthcallback.internal.mcp.registration.FileRegisteredClients;
import io.github.oauthcallback.internal.mcp.registration.InMemoryRegisteredClients;
import io.github.oauthcallback.internal.mcp.registration.JdbcRegisteredClients;
import io.github.oauthcallback.internal.mcp.registration.LoopbackRedirectUris;
import io.github.oauthcallback.internal.mcp.registration.McpClientIdentities;
import io.github.oauthcallback.internal.mcp.registration.McpClientTableSchema;
import io.github.oauthcallback.internal.mcp.registration.PreRegisteredClient;
import io.github.oauthcallback.internal.mcp.registration.RegisteredClients;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.internal.store.TokenTableSchema;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointClients;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

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
import io.micrometer.observation.ObservationRegistry;
import org.springframework.http.client.observation.ClientRequestObservationConvention;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.util.StringUtils;

/**
 * MCP client authorization for the MCP Java SDK: the {@link OAuthCallbackMcpTransports} bean, whose transports
 * discover a protected MCP server's authorization server, get a client identity, log in through the starter's client
 * manager and send the token (see its Javadoc), configured by {@code oauth-callback.mcp.*}. Needs the MCP Java SDK
 * on the classpath and the starter's client manager ({@link OAuthCallbackMcpRegistrationsAutoConfiguration} makes
 * the store, the login and the manager come up without any {@code spring.security.oauth2.client} registration in an
 * application that is not a web application; a web application needs a registration for them); off with
 * {@code oauth-callback.mcp.enabled=false}. Each bean backs off for one of the application.
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

	private static final String STORE_TYPE = "oauth-callback.store.type";

	/**
	 * Discovery of MCP servers and their authorization servers, cached like provider discovery
	 * ({@code oauth-callback.discovery.cache.*}, an {@code mcp} sub-folder), through the token endpoints' HTTP client
	 * settings and timeouts.
	 */
	@Bean
	@ConditionalOnMissingBean
	McpMetadataDiscovery oauthCallbackMcpMetadataDiscovery(OAuthCallbackProperties properties,
			Environment environment, ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories,
			ObjectProvider<HttpClientSettings> settings,
			ObjectProvider<ObservationRegistry> observations,
			ObjectProvider<ClientRequestObservationConvention> conventions) {
		OAuthCallbackProperties.Discovery.Cache cache = properties.discovery().cache();
		DiscoveryCache discoveryCache = cache.enabled()
				? new DiscoveryCache(OAuthCallbackDiscoveryAutoConfiguration.cacheDirectory(properties, environment))
				: null;
		return new McpMetadataDiscovery(
				() -> McpMetadataClients.restClient(
						TokenEndpointRestClients.providerRestClients(observations, conventions, factories, settings),
						properties.tokenEndpoint().connectTimeout(), properties.tokenEndpoint().readTimeout()),
				discoveryCache, cache.timeToLive(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	McpMetadataSource oauthCallbackMcpMetadataSource(McpMetadataDiscovery discovery) {
		return new DiscoveryMetadataSource(discovery);
	}

	/**
	 * Where dynamic registrations are kept: with the tokens, in the store {@code oauth-callback.store.type} names
	 * (memory; a file next to the token file), sealed with the token cipher.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = STORE_TYPE, havingValue = "memory")
	RegisteredClients oauthCallbackMcpRegisteredClientsInMemory() {
		return new InMemoryRegisteredClients();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = STORE_TYPE, havingValue = "file", matchIfMissing = true)
	RegisteredClients oauthCallbackMcpRegisteredClientsInFile(OAuthCallbackProperties properties,
			Environment environment, ObjectProvider<TokenCipher> ciphers) {
		return new FileRegisteredClients(OAuthCallbackStoreAutoConfiguration.tokenFile(properties, environment),
				ciphers.getIfAvailable(TokenCipher::none), properties.store().lockTimeout());
	}

	/**
	 * With the JDBC store: a table next to the token table, created as it is
	 * ({@code oauth-callback.store.jdbc.initialize-schema}), secrets sealed with the token cipher.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = STORE_TYPE, havingValue = "jdbc")
	@ConditionalOnClass(JdbcTemplate.class)
	static class JdbcRegisteredClientsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RegisteredClients oauthCallbackMcpRegisteredClientsInDatabase(OAuthCallbackProperties properties,
				ObjectProvider<TokenCipher> ciphers, ObjectProvider<DataSource> dataSources) {
			DataSource dataSource = dataSources.getIfUnique();
			if (dataSource == null) {
				throw new InvalidConfigurationPropertyValueException(STORE_TYPE, "jdbc", "It needs one DataSource: "
						+ "add spring-boot-starter-jdbc and a driver, and set spring.datasource.url (or define a single "
						+ "DataSource bean).");
			}
			McpClientTableSchema.initialize(dataSource, McpClientTableSchema.DEFAULT_TABLE_NAME,
					properties.store().jdbc().initializeSchema());
			return new JdbcRegisteredClients(new JdbcTemplate(dataSource), ciphers.getIfAvailable(TokenCipher::none),
					McpClientTableSchema.DEFAULT_TABLE_NAME, () -> TokenTableSchema.describe(dataSource));
		}

	}

	/**
	 * Client identities: a server's pre-registered client, the Client ID Metadata Document, a stored or new dynamic
	 * registration (RFC 7591 through the token endpoints' HTTP client settings), for the loopback listener's redirect
	 * URI.
	 */
	@Bean
	@ConditionalOnMissingBean
	McpClientIdentities oauthCallbackMcpClientIdentities(RegisteredClients registered,
			OAuthCallbackProperties properties, Environment environment,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories, ObjectProvider<HttpClientSettings> settings,
			ObjectProvider<ObservationRegistry> observations,
			ObjectProvider<ClientRequestObservationConvention> conventions) {
		OAuthCallbackProperties.Listener listener = properties.listener();
		ListenerSettings redirect = new ListenerSettings(listener.host(), listener.path(), listener.ports(),
				CallbackPages.defaults());
		return new McpClientIdentities(registered, new DynamicClientRegistration(
				() -> TokenEndpointClients.restClient(
						TokenEndpointRestClients.providerRestClients(observations, conventions, factories, settings),
						properties.tokenEndpoint().connectTimeout(), properties.tokenEndpoint().readTimeout(), null),
				LoopbackRedirectUris.of(redirect), clientName(properties, environment)));
	}

	@Bean
	@ConditionalOnMissingBean
	McpClientSource oauthCallbackMcpClientSource(McpClientIdentities identities, RegisteredClients registered,
			OAuthCallbackProperties properties, ObjectProvider<OAuth2ClientProperties> clientProperties) {
		return new IdentitiesClientSource(identities, registered,
				identityOptions(properties, clientProperties.getIfAvailable()),
				new ClientIdentityOptions(null, properties.mcp().clientIdMetadataDocument(), null), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
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
	OAuthCallbackMcpTransports oauthCallbackMcpTransports(McpAuthorizations authorizations) {
		return new OAuthCallbackMcpTransports(authorizations);
	}

	/**
	 * The client identity options of the configured servers, by the registration id of their logins: the
	 * pre-registered client (from its {@code spring.security.oauth2.client.registration}) or the registration method.
	 */
	static Map<String, ClientIdentityOptions> identityOptions(OAuthCallbackProperties properties,
			@Nullable OAuth2ClientProperties clientProperties) {
		Map<String, ClientIdentityOptions> options = new LinkedHashMap<>();
		URI document = properties.mcp().clientIdMetadataDocument();
		properties.mcp().servers().forEach((name, server) -> {
			String registration = server.registration();
			OAuth2ClientProperties.Registration declared = (registration != null && clientProperties != null)
					? clientProperties.getRegistration().get(registration) : null;
			if (declared != null) {
				String method = declared.getClientAuthenticationMethod();
				options.put(registration, new ClientIdentityOptions(
						new PreRegisteredClient(declared.getClientId(),
								StringUtils.hasText(declared.getClientSecret()) ? declared.getClientSecret() : null,
								StringUtils.hasText(method) ? new ClientAuthenticationMethod(method) : null,
								(declared.getScope() != null) ? List.copyOf(declared.getScope()) : List.of(),
								server.issuer()),
						document, null));
			}
			else if (server.tokenEndpointAuthMethod() != null) {
				options.put(McpServerUrls.registrationId(server.url()), new ClientIdentityOptions(null, document,
						new ClientAuthenticationMethod(server.tokenEndpointAuthMethod())));
			}
		});
		return options;
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

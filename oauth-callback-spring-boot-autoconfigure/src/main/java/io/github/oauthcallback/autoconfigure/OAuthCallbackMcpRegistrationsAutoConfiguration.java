package io.github.oauthcallback.autoconfigure;

import java.util.Map;

import io.github.oauthcallback.internal.mcp.McpClientRegistrationRepository;
import io.github.oauthcallback.internal.mcp.McpRegistrations;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.security.oauth2.client.autoconfigure.ConditionalOnOAuth2ClientRegistrationProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.util.StringUtils;

/**
 * The first half of MCP client authorization, which must come before the token store: the in-memory
 * {@link McpRegistrations} of the MCP servers met. The starter's own beans (store, logins, client manager) look them up
 * in front of the application's {@link ClientRegistrationRepository}, whose bean stays as it is. In an application
 * that is not a web application and declares no registration, a repository of the MCP servers' registrations alone
 * lets the store, the login and the client manager come up for MCP servers alone; web applications need
 * {@code spring.security.oauth2.client.registration} for that (Spring Boot would otherwise add an {@code oauth2Login}
 * without providers). The transports are {@link OAuthCallbackMcpAutoConfiguration}'s. Needs the MCP Java SDK on the
 * classpath; off with {@code oauth-callback.mcp.enabled=false}.
 */
@AutoConfiguration(after = OAuthCallbackDiscoveryAutoConfiguration.class,
		before = { OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
				OAuth2ClientAutoConfiguration.class },
		beforeName = "org.springframework.boot.security.oauth2.client.autoconfigure.reactive."
				+ "ReactiveOAuth2ClientAutoConfiguration")
@ConditionalOnClass(name = OAuthCallbackMcpRegistrationsAutoConfiguration.SDK_TRANSPORT,
		value = ClientRegistrationRepository.class)
@ConditionalOnBooleanProperty(name = "oauth-callback.mcp.enabled", matchIfMissing = true)
public final class OAuthCallbackMcpRegistrationsAutoConfiguration {

	/** The MCP Java SDK's Streamable HTTP client transport. */
	static final String SDK_TRANSPORT = "io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport";

	@Bean
	@ConditionalOnMissingBean
	McpRegistrations oauthCallbackMcpRegistrations() {
		return new McpRegistrations();
	}

	/**
	 * The MCP servers' registrations alone, when the application has none (no
	 * {@code spring.security.oauth2.client.registration} and no repository of its own) and is not a web application.
	 */
	@Bean
	@ConditionalOnMissingBean(ClientRegistrationRepository.class)
	@ConditionalOnNotWebApplication
	McpClientRegistrationRepository oauthCallbackMcpClientRegistrationRepository(McpRegistrations registrations) {
		return new McpClientRegistrationRepository(registrations, null);
	}

	/**
	 * With Reactor on the classpath (the MCP Java SDK brings it), Spring Boot maps the registrations a second time for
	 * a reactive repository in an application that is not a servlet web application, and refuses an MCP server's
	 * pre-registered client (it has no provider: the server's authorization server is discovered). Only then, and only
	 * outside web applications, the application's registrations serve as the reactive ones instead (the pre-registered
	 * clients of MCP servers are not among them). Decided from the properties alone, so the order in which beans are
	 * registered does not matter.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "reactor.core.publisher.Mono",
			"org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository" })
	@ConditionalOnNotWebApplication
	@ConditionalOnOAuth2ClientRegistrationProperties
	@Conditional(McpPreRegisteredClients.class)
	static class ReactiveRegistrationsConfiguration {

		@Bean
		@ConditionalOnMissingBean(ReactiveClientRegistrationRepository.class)
		ApplicationReactiveClientRegistrations oauthCallbackReactiveClientRegistrationRepository(
				ObjectProvider<ClientRegistrationRepository> registrations) {
			return new ApplicationReactiveClientRegistrations(registrations::getObject);
		}

	}

	/**
	 * Matches when an MCP server names a pre-registered client ({@code oauth-callback.mcp.servers.<name>.registration}).
	 */
	static final class McpPreRegisteredClients extends SpringBootCondition {

		private static final Bindable<Map<String, Map<String, Object>>> SERVERS = Bindable.of(ResolvableType
			.forClassWithGenerics(Map.class, ResolvableType.forClass(String.class),
					ResolvableType.forClassWithGenerics(Map.class, String.class, Object.class)));

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Map<String, Map<String, Object>> servers = Binder.get(context.getEnvironment())
				.bind("oauth-callback.mcp.servers", SERVERS)
				.orElse(Map.of());
			boolean preRegistered = servers.values()
				.stream()
				.anyMatch((server) -> server.get("registration") instanceof String id && StringUtils.hasText(id));
			return preRegistered ? ConditionOutcome.match("an MCP server names a pre-registered client")
					: ConditionOutcome.noMatch("no MCP server names a pre-registered client");
		}

	}

}

package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.internal.mcp.McpClientRegistrationRepository;
import io.github.oauthcallback.internal.mcp.McpRegistrations;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import io.github.oauthcallback.internal.mcp.BlockingReactiveClientRegistrations;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * The first half of MCP client authorization, which must come before the token store: the in-memory
 * {@link McpRegistrations} of the MCP servers met, put in front of the application's
 * {@link ClientRegistrationRepository} (its bean is wrapped), or the only registrations when the application has
 * none, so the store, the login and the client manager come up with MCP servers alone. The transports are
 * {@link OAuthCallbackMcpAutoConfiguration}'s. Needs the MCP Java SDK on the classpath; off with
 * {@code oauth-callback.mcp.enabled=false}.
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
	 * {@code spring.security.oauth2.client.registration} and no repository of its own).
	 */
	@Bean
	@ConditionalOnMissingBean(ClientRegistrationRepository.class)
	McpClientRegistrationRepository oauthCallbackMcpClientRegistrationRepository(McpRegistrations registrations) {
		return new McpClientRegistrationRepository(registrations, null);
	}

	/**
	 * Puts the MCP servers' registrations in front of the application's repository, whichever bean defines it.
	 */
	@Bean
	static BeanPostProcessor oauthCallbackMcpClientRegistrationRepositoryWrapper(
			ObjectProvider<McpRegistrations> registrations) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof ClientRegistrationRepository repository
						&& !(bean instanceof McpClientRegistrationRepository)) {
					McpRegistrations mcp = registrations.getIfAvailable();
					return (mcp != null) ? new McpClientRegistrationRepository(mcp, repository) : bean;
				}
				return bean;
			}

		};
	}

	/**
	 * With Reactor on the classpath (the MCP Java SDK brings it), Spring Boot would map the registrations again for
	 * a reactive repository, and refuse an MCP server's pre-registered client (it has no provider): the starter's
	 * registrations serve as the reactive ones instead.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "reactor.core.publisher.Mono",
			"org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository" })
	static class ReactiveRegistrationsConfiguration {

		@Bean
		@ConditionalOnMissingBean(ReactiveClientRegistrationRepository.class)
		@ConditionalOnBean(ClientRegistrationRepository.class)
		BlockingReactiveClientRegistrations oauthCallbackReactiveClientRegistrationRepository(
				ObjectProvider<ClientRegistrationRepository> registrations) {
			return new BlockingReactiveClientRegistrations(registrations::getObject);
		}

	}

}

package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.client.OAuthCallbackHttpServiceGroupConfigurer;
import io.github.oauthcallback.client.OAuthCallbackRestClients;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.client.support.OAuth2RestClientHttpServiceGroupConfigurer;

/**
 * {@code RestClient} integration: {@link OAuthCallbackRestClients} for builders, the
 * {@link OAuthCallbackHttpServiceGroupConfigurer} for HTTP Service interfaces, and a {@code RestClient} bean for each
 * {@code oauth-callback.clients.<name>}. They get their tokens through the {@link OAuth2AuthorizedClientManager} bean,
 * the starter's or the application's own; with the application's own, a 401 is returned as it is instead of being
 * followed by one refresh-and-retry (that needs the starter's manager), which is logged once at start-up.
 */
@AutoConfiguration(after = OAuthCallbackClientManagerAutoConfiguration.class,
		afterName = "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
@ConditionalOnBean({ LoopbackAuthorizer.class, OAuth2AuthorizedClientManager.class })
@EnableConfigurationProperties(OAuthCallbackProperties.class)
@Import(DeclaredRestClientsRegistrar.class)
public final class OAuthCallbackRestClientAutoConfiguration {

	private static final Log logger = LogFactory.getLog(OAuthCallbackRestClientAutoConfiguration.class);

	private final OAuth2AuthorizedClientManager manager;

	OAuthCallbackRestClientAutoConfiguration(OAuth2AuthorizedClientManager manager) {
		this.manager = manager;
		// Here, once, rather than in each bean: this class is created with the first of them.
		if (!(manager instanceof OAuthCallbackAuthorizedClientManager)) {
			logger.info("The application's OAuth2AuthorizedClientManager (" + manager.getClass().getName() + ") "
					+ "replaces the starter's: RestClients and HTTP Service interfaces made by the starter send its "
					+ "tokens, but return a 401 as it is instead of refreshing the token and retrying once, which "
					+ "needs the starter's OAuthCallbackAuthorizedClientManager. Remove your manager bean to get the "
					+ "retry back (docs/rest-client.md, section 401).");
		}
	}

	@Bean
	@ConditionalOnMissingBean
	OAuthCallbackRestClients oauthCallbackRestClients(OAuthCallbackProperties properties) {
		return new OAuthCallbackRestClients(this.manager, Accounts.defaultAccount(properties.login().account()));
	}

	/**
	 * Also backs off for Spring Security's configurer, which an application may define instead (it never retries
	 * after a 401).
	 */
	@Bean
	@ConditionalOnMissingBean({ OAuthCallbackHttpServiceGroupConfigurer.class,
			OAuth2RestClientHttpServiceGroupConfigurer.class })
	@ConditionalOnClass(name = "org.springframework.web.service.registry.HttpServiceGroupConfigurer")
	OAuthCallbackHttpServiceGroupConfigurer oauthCallbackHttpServiceGroupConfigurer(
			OAuthCallbackProperties properties) {
		return new OAuthCallbackHttpServiceGroupConfigurer(this.manager,
				Accounts.defaultAccount(properties.login().account()));
	}

}

package io.github.oauthcallback.autoconfigure;

import java.time.Clock;

import io.github.oauthcallback.Accounts;
import io.github.oauthcallback.InvalidConfigurationException;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.client.OAuthCallbackHttpServiceGroupConfigurer;
import io.github.oauthcallback.client.OAuthCallbackRestClients;
import io.github.oauthcallback.refresh.AuthorizedClientProviderChainBuilder;
import io.github.oauthcallback.refresh.LazyAuthorizedClientProvider;
import io.github.oauthcallback.refresh.LoopbackAuthorizedClientProvider;
import io.github.oauthcallback.refresh.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.refresh.RefreshEventsAfterSave;
import io.github.oauthcallback.refresh.ScheduledTokenRefresher;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.tokenendpoint.TokenRequestRetries;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.support.OAuth2RestClientHttpServiceGroupConfigurer;

/**
 * The client manager (stored → refreshed → interactive login, and client credentials for service registrations;
 * single flight), scheduled refresh, and {@code RestClient} integration (builders and HTTP Service interfaces, with
 * one refresh-and-retry on 401). Works on the starter's {@link TokenStore}s and on an application's own
 * {@link OAuth2AuthorizedClientService} (through {@link TokenStore#of}).
 */
@AutoConfiguration(after = { OAuthCallbackAutoConfiguration.class, OAuthCallbackStoreAutoConfiguration.class },
		afterName = "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
@ConditionalOnBean({ OAuth2AuthorizedClientService.class, LoopbackAuthorizer.class })
@EnableConfigurationProperties(OAuthCallbackProperties.class)
@Import(DeclaredRestClientsRegistrar.class)
public final class OAuthCallbackClientAutoConfiguration {

	/**
	 * One attempt per refresh: the client manager retries (oauth-callback.token-endpoint.retry.attempts), waiting with the login's
	 * store lock released.
	 */
	@Bean
	@ConditionalOnMissingBean
	OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> oauthCallbackRefreshTokenResponseClient(
			OAuthCallbackProperties properties, ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories,
			ObjectProvider<HttpClientSettings> settings) {
		// One attempt per request: the client manager retries, with the store lock released between attempts.
		return TokenEndpointRestClients.tokenResponseClients(properties, factories, settings).refreshToken();
	}

	/**
	 * One attempt per client-credentials request too: the client manager retries.
	 */
	@Bean
	@ConditionalOnMissingBean
	OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> oauthCallbackClientCredentialsTokenResponseClient(
			OAuthCallbackProperties properties, ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories,
			ObjectProvider<HttpClientSettings> settings) {
		return TokenEndpointRestClients.tokenResponseClients(properties, factories, settings).clientCredentials();
	}

	/**
	 * Holds back Spring Security's refresh events until the manager has saved the refreshed login.
	 */
	@Bean
	@ConditionalOnMissingBean
	RefreshEventsAfterSave oauthCallbackRefreshEvents(ApplicationEventPublisher events) {
		return new RefreshEventsAfterSave(events);
	}

	/**
	 * The provider chain of the client manager: refresh token, interactive login, client credentials. Replace it with
	 * a bean of your own (for instance built with {@link AuthorizedClientProviderChainBuilder}, adding providers).
	 */
	@Bean
	@ConditionalOnMissingBean
	OAuth2AuthorizedClientProvider oauthCallbackAuthorizedClientProvider(LoopbackAuthorizer authorizer,
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient,
			OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> clientCredentialsTokenResponseClient,
			RefreshEventsAfterSave events, OAuthCallbackProperties properties) {
		Clock clock = Clock.systemUTC();
		// Created when a stored login is first found unusable: Spring's providers build HTTP clients when constructed.
		return new LazyAuthorizedClientProvider(() -> new AuthorizedClientProviderChainBuilder(
				refreshTokenResponseClient,
				new LoopbackAuthorizedClientProvider(authorizer, properties.login().interactive().allowed(System.getenv()),
						properties.login().command(), clock),
				clientCredentialsTokenResponseClient)
			// Spring's provider publishes its event before the manager saves; the manager holds it back until then.
			.events(events.publisher())
			.clockSkew(properties.refresh().clockSkew())
			.clock(clock)
			.build());
	}

	@Bean
	@ConditionalOnMissingBean(OAuth2AuthorizedClientManager.class)
	OAuthCallbackAuthorizedClientManager oauthCallbackAuthorizedClientManager(ClientRegistrationRepository registrations,
			OAuth2AuthorizedClientService authorizedClients, LoopbackAuthorizer authorizer,
			OAuth2AuthorizedClientProvider provider, RefreshEventsAfterSave events,
			OAuthCallbackProperties properties) {
		// At start-up, not when someone first needs a token: registrations this manager could never get a token for.
		TokenEndpointRequirements.check(registrations);
		TokenRequestRetries retries = new TokenRequestRetries(properties.tokenEndpoint().retry().attempts(),
				properties.tokenEndpoint().retry().backoff(), properties.tokenEndpoint().retry().maxBackoff());
		return new OAuthCallbackAuthorizedClientManager(registrations, TokenStore.of(authorizedClients), provider,
				events, authorizer, retries, properties.refresh().clockSkew(),
				Accounts.defaultAccount(properties.login().account()), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(OAuthCallbackAuthorizedClientManager.class)
	OAuthCallbackRestClients oauthCallbackRestClients(OAuthCallbackAuthorizedClientManager manager,
			OAuthCallbackProperties properties) {
		return new OAuthCallbackRestClients(manager, Accounts.defaultAccount(properties.login().account()));
	}

	@Bean
	@ConditionalOnMissingBean({ OAuthCallbackHttpServiceGroupConfigurer.class,
			OAuth2RestClientHttpServiceGroupConfigurer.class })
	@ConditionalOnBean(OAuthCallbackAuthorizedClientManager.class)
	@ConditionalOnClass(name = "org.springframework.web.service.registry.HttpServiceGroupConfigurer")
	OAuthCallbackHttpServiceGroupConfigurer oauthCallbackHttpServiceGroupConfigurer(
			OAuthCallbackAuthorizedClientManager manager, OAuthCallbackProperties properties) {
		return new OAuthCallbackHttpServiceGroupConfigurer(manager, Accounts.defaultAccount(properties.login().account()));
	}

	/**
	 * With an application-defined {@code OAuth2AuthorizedClientManager}, Spring Security's configurer (which does
	 * not retry after a 401).
	 */
	@Bean
	@ConditionalOnMissingBean({ OAuthCallbackHttpServiceGroupConfigurer.class,
			OAuth2RestClientHttpServiceGroupConfigurer.class })
	@ConditionalOnBean(OAuth2AuthorizedClientManager.class)
	@ConditionalOnClass(name = "org.springframework.web.service.registry.HttpServiceGroupConfigurer")
	OAuth2RestClientHttpServiceGroupConfigurer oauthCallbackSpringHttpServiceGroupConfigurer(
			OAuth2AuthorizedClientManager manager) {
		return OAuth2RestClientHttpServiceGroupConfigurer.from(manager);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = "oauth-callback.refresh.scheduled.enabled", havingValue = "true")
	@ConditionalOnBean(OAuthCallbackAuthorizedClientManager.class)
	ScheduledTokenRefresher oauthCallbackScheduledTokenRefresher(OAuth2AuthorizedClientService authorizedClients,
			OAuthCallbackAuthorizedClientManager manager, ObjectProvider<TaskScheduler> schedulers,
			OAuthCallbackProperties properties) {
		if (!(authorizedClients instanceof TokenStore)) {
			throw new InvalidConfigurationException("oauth-callback.refresh.scheduled.enabled=true needs a store that "
					+ "can list its logins, and the application's own OAuth2AuthorizedClientService ("
					+ authorizedClients.getClass().getName() + ") cannot: use one of the starter's stores "
					+ "(oauth-callback.store.type) or turn scheduled refresh off.");
		}
		TokenStore store = (TokenStore) authorizedClients;
		OAuthCallbackProperties.Scheduled scheduled = properties.refresh().scheduled();
		// Without exactly one application scheduler, the refresher runs a daemon scheduler of its own.
		return new ScheduledTokenRefresher(store, manager, schedulers.getIfUnique(), scheduled.interval(),
				scheduled.window(), scheduled.concurrency(), Clock.systemUTC());
	}

}

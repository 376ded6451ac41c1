package io.github.oauthcallback.autoconfigure;

import java.time.Clock;

import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.authorize.DeviceAuthorizer;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.internal.refresh.DeviceAuthorizedClientProvider;
import io.github.oauthcallback.internal.refresh.InteractiveLogins;
import io.github.oauthcallback.internal.refresh.AuthorizedClientProviderChainBuilder;
import io.github.oauthcallback.internal.refresh.LazyAuthorizedClientProvider;
import io.github.oauthcallback.internal.refresh.LoopbackAuthorizedClientProvider;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.refresh.RefreshEventsAfterSave;
import io.github.oauthcallback.internal.mcp.McpRegistrations;
import io.github.oauthcallback.internal.revocation.LoginRevocation;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.internal.tokenendpoint.ResourceIndicators;
import io.github.oauthcallback.internal.tokenendpoint.TokenRequestRetries;

import io.github.oauthcallback.internal.observation.Observations;
import io.github.oauthcallback.internal.store.ObservedTokenStore;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.client.observation.ClientRequestObservationConvention;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * The client manager: stored → refreshed → interactive login (browser, or device authorization for device-grant
 * registrations), and client credentials for service registrations, one at a time per login, with its provider chain
 * and token-endpoint clients, and the revocation of the tokens of the logins it removes or replaces. Works on the
 * starter's {@link TokenStore}s
 * and on an application's own {@link OAuth2AuthorizedClientService} (through {@link TokenStore#of}). An
 * {@link OAuth2AuthorizedClientManager} bean of the application replaces the manager; the other beans stay (they are
 * cheap: the provider chain and the token clients build their HTTP clients on first use).
 */
@AutoConfiguration(after = { OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class })
@ConditionalOnBean({ OAuth2AuthorizedClientService.class, LoopbackAuthorizer.class })
@EnableConfigurationProperties(OAuthCallbackProperties.class)
public final class OAuthCallbackClientManagerAutoConfiguration {

	/**
	 * One attempt per refresh: the client manager retries (oauth-callback.token-endpoint.retry.attempts), waiting with the login's
	 * store lock released.
	 */
	@Bean
	@ConditionalOnMissingBean
	OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> oauthCallbackRefreshTokenResponseClient(
			OAuthCallbackProperties properties, ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories,
			ObjectProvider<HttpClientSettings> settings,
			ObjectProvider<ClientRequestObservationConvention> conventions, ObjectProvider<ResourceIndicators> resources,
			ObjectProvider<ObservationRegistry> observations) {
		// One attempt per request: the client manager retries, with the store lock released between attempts.
		return TokenEndpointRestClients
			.tokenResponseClients(properties, observations, conventions, factories, settings,
					TokenEndpointRestClients.resourceIndicators(properties, resources))
			.observedBy(Observations.registry(observations.getIfAvailable()))
			.refreshToken();
	}

	/**
	 * One attempt per client-credentials request too: the client manager retries.
	 */
	@Bean
	@ConditionalOnMissingBean
	OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> oauthCallbackClientCredentialsTokenResponseClient(
			OAuthCallbackProperties properties, ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories,
			ObjectProvider<HttpClientSettings> settings,
			ObjectProvider<ClientRequestObservationConvention> conventions, ObjectProvider<ResourceIndicators> resources,
			ObjectProvider<ObservationRegistry> observations) {
		return TokenEndpointRestClients
			.tokenResponseClients(properties, observations, conventions, factories, settings,
					TokenEndpointRestClients.resourceIndicators(properties, resources))
			.observedBy(Observations.registry(observations.getIfAvailable()))
			.clientCredentials();
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
	 * The provider chain of the client manager: refresh token, browser login, client credentials, device login.
	 * Replace it with
	 * a bean of your own (for instance built with {@link AuthorizedClientProviderChainBuilder}, adding providers).
	 */
	@Bean
	@ConditionalOnMissingBean
	OAuth2AuthorizedClientProvider oauthCallbackAuthorizedClientProvider(LoopbackAuthorizer authorizer,
			ObjectProvider<DeviceAuthorizer> deviceAuthorizer,
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenResponseClient,
			OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> clientCredentialsTokenResponseClient,
			RefreshEventsAfterSave events, OAuthCallbackProperties properties,
			ObjectProvider<ObservationRegistry> observations) {
		ObservationRegistry registry = Observations.registry(observations.getIfAvailable());
		Clock clock = Clock.systemUTC();
		DeviceAuthorizer device = deviceAuthorizer.getIfUnique();
		// Created when a stored login is first found unusable: Spring's providers build HTTP clients when constructed.
		return new LazyAuthorizedClientProvider(() -> {
			InteractiveLogins logins = new InteractiveLogins(
					properties.login().interactive().allowed(System.getenv()), properties.login().command(), clock);
			AuthorizedClientProviderChainBuilder chain = new AuthorizedClientProviderChainBuilder(
					refreshTokenResponseClient, new LoopbackAuthorizedClientProvider(authorizer, logins),
					clientCredentialsTokenResponseClient)
				// Spring's provider publishes its event before the manager saves; the manager holds it back until then.
				.events(events.publisher())
				.clockSkew(properties.refresh().clockSkew())
				.clock(clock)
				.observations(registry);
			if (device != null) {
				chain.provider(new DeviceAuthorizedClientProvider(device, logins));
			}
			return chain.build();
		});
	}

	/**
	 * Revocation (RFC 7009) of the tokens of a login the manager removes (oauth-callback.logout.revoke) or replaces
	 * (oauth-callback.login.revoke-replaced), through the token endpoints' HTTP client and timeouts. Its HTTP client
	 * is created on the first revocation.
	 */
	@Bean
	@ConditionalOnMissingBean
	LoginRevocation oauthCallbackLoginRevocation(OAuthCallbackProperties properties,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories, ObjectProvider<HttpClientSettings> settings,
			ObjectProvider<ClientRequestObservationConvention> conventions,
			ObjectProvider<ObservationRegistry> observations) {
		return new LoginRevocation(TokenEndpointRestClients.tokenResponseClients(properties, observations, conventions, factories, settings)
			.observedBy(Observations.registry(observations.getIfAvailable()))
			.revocation(), OAuthCallbackProperties.Registration.revocationUris(properties.registrations()),
				properties.logout().revoke(), properties.login().revokeReplaced());
	}

	@Bean
	@ConditionalOnMissingBean(OAuth2AuthorizedClientManager.class)
	OAuthCallbackAuthorizedClientManager oauthCallbackAuthorizedClientManager(ClientRegistrationRepository registrations,
			OAuth2AuthorizedClientService authorizedClients, LoopbackAuthorizer authorizer,
			ObjectProvider<DeviceAuthorizer> deviceAuthorizer, OAuth2AuthorizedClientProvider provider,
			RefreshEventsAfterSave events, LoginRevocation revocation, OAuthCallbackProperties properties,
			ObjectProvider<McpRegistrations> mcp, ObjectProvider<ObservationRegistry> observations) {
		// At start-up, not when someone first needs a token: registrations this manager could never get a token for.
		TokenEndpointRequirements.check(registrations);
		OAuthCallbackProperties.Registration.requireDeclared(properties.registrations(), registrations);
		TokenRequestRetries retries = new TokenRequestRetries(properties.tokenEndpoint().retry().attempts(),
				properties.tokenEndpoint().retry().backoff(), properties.tokenEndpoint().retry().maxBackoff());
		return new OAuthCallbackAuthorizedClientManager(StarterClientRegistrations.of(registrations, mcp),
				ObservedTokenStore.of(TokenStore.of(authorizedClients),
						Observations.registry(observations.getIfAvailable())),
				provider,
				events, authorizer, deviceAuthorizer.getIfUnique(), retries, revocation, properties.refresh().clockSkew(),
				Accounts.defaultAccount(properties.login().account()), Clock.systemUTC());
	}

}

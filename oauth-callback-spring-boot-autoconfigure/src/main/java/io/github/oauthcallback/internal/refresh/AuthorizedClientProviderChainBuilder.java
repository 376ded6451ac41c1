package io.github.oauthcallback.internal.refresh;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.oauth2.client.ClientCredentialsOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.DelegatingOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.RefreshTokenOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.util.Assert;

/**
 * Builds the provider chain of {@link io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager}: refresh token, then the interactive
 * login, then client credentials, then any {@linkplain #provider(OAuth2AuthorizedClientProvider) further providers}
 * in the order added (the auto-configured chain adds {@link DeviceAuthorizedClientProvider} there, for device-grant
 * registrations). (A stored login that is still valid never reaches the chain: the manager returns it.) Each
 * provider answers only the requests it is for and passes on the rest, as in Spring Security's
 * {@link DelegatingOAuth2AuthorizedClientProvider}.
 */
public final class AuthorizedClientProviderChainBuilder {

	private final OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenClient;

	private final OAuth2AuthorizedClientProvider interactiveLogin;

	private final OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> clientCredentialsClient;

	private @Nullable ApplicationEventPublisher events;

	private Duration clockSkew = Duration.ofSeconds(60);

	private Clock clock = Clock.systemUTC();

	private final List<OAuth2AuthorizedClientProvider> further = new ArrayList<>();

	/**
	 * @param refreshTokenClient sends refresh-token requests (one attempt each: the manager retries)
	 * @param interactiveLogin the interactive login, usually a {@link LoopbackAuthorizedClientProvider}
	 * @param clientCredentialsClient sends client-credentials requests (one attempt each: the manager retries)
	 */
	public AuthorizedClientProviderChainBuilder(
			OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshTokenClient,
			OAuth2AuthorizedClientProvider interactiveLogin,
			OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> clientCredentialsClient) {
		Assert.notNull(refreshTokenClient, "refreshTokenClient must not be null");
		Assert.notNull(interactiveLogin, "interactiveLogin must not be null");
		Assert.notNull(clientCredentialsClient, "clientCredentialsClient must not be null");
		this.refreshTokenClient = refreshTokenClient;
		this.interactiveLogin = interactiveLogin;
		this.clientCredentialsClient = clientCredentialsClient;
	}

	/**
	 * @param events where the refresh-token provider publishes its {@code OAuth2AuthorizedClientRefreshedEvent};
	 * give it {@link RefreshEventsAfterSave#publisher()} to have it published after the save (default: none)
	 * @return this builder
	 */
	public AuthorizedClientProviderChainBuilder events(ApplicationEventPublisher events) {
		this.events = events;
		return this;
	}

	/**
	 * @param clockSkew how long before its expiry a token counts as expired (default 60 seconds)
	 * @return this builder
	 */
	public AuthorizedClientProviderChainBuilder clockSkew(Duration clockSkew) {
		this.clockSkew = clockSkew;
		return this;
	}

	/**
	 * @param clock the clock (default the system clock in UTC)
	 * @return this builder
	 */
	public AuthorizedClientProviderChainBuilder clock(Clock clock) {
		this.clock = clock;
		return this;
	}

	/**
	 * Adds a provider after the others, for a grant they do not handle.
	 * @param provider the provider
	 * @return this builder
	 */
	public AuthorizedClientProviderChainBuilder provider(OAuth2AuthorizedClientProvider provider) {
		Assert.notNull(provider, "provider must not be null");
		this.further.add(provider);
		return this;
	}

	/**
	 * @return the chain
	 */
	public OAuth2AuthorizedClientProvider build() {
		RefreshTokenOAuth2AuthorizedClientProvider refresh = new RefreshTokenOAuth2AuthorizedClientProvider();
		refresh.setAccessTokenResponseClient(this.refreshTokenClient);
		refresh.setClockSkew(this.clockSkew);
		refresh.setClock(this.clock);
		if (this.events != null) {
			refresh.setApplicationEventPublisher(this.events);
		}
		ClientCredentialsOAuth2AuthorizedClientProvider clientCredentials = new ClientCredentialsOAuth2AuthorizedClientProvider();
		clientCredentials.setAccessTokenResponseClient(this.clientCredentialsClient);
		clientCredentials.setClockSkew(this.clockSkew);
		clientCredentials.setClock(this.clock);
		List<OAuth2AuthorizedClientProvider> chain = new ArrayList<>(
				List.of(refresh, this.interactiveLogin, clientCredentials));
		chain.addAll(this.further);
		return new DelegatingOAuth2AuthorizedClientProvider(chain);
	}

}

package io.github.oauthcallback.support;

import java.time.Instant;
import java.util.Set;

import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackRestClientAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackScheduledRefreshAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.store.TokenStore;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * The context most refresh and client tests start from: the starter's auto-configurations after Spring Boot's OAuth2
 * client, and one public client registration {@code api} (provider {@code stub}) for the account {@code ada}.
 */
public final class StubRegistration {

	private StubRegistration() {
	}

	/**
	 * @param authorizationUri the provider's authorization endpoint
	 * @param tokenUri the provider's token endpoint
	 * @return a runner with the registration; add the store type and other properties per test
	 */
	public static ApplicationContextRunner runner(String authorizationUri, String tokenUri) {
		String registration = "spring.security.oauth2.client.registration.api.";
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class, OAuthCallbackRestClientAutoConfiguration.class,
					OAuthCallbackScheduledRefreshAutoConfiguration.class))
			.withPropertyValues(registration + "client-id=cli",
					registration + "authorization-grant-type=authorization_code",
					registration + "client-authentication-method=none",
					registration + "redirect-uri=http://127.0.0.1/callback", registration + "provider=stub",
					"spring.security.oauth2.client.provider.stub.authorization-uri=" + authorizationUri,
					"spring.security.oauth2.client.provider.stub.token-uri=" + tokenUri, "oauth-callback.login.account=ada");
	}

	/**
	 * Stores a login of {@code ada} for the registration {@code api}, with scope {@code read}.
	 * @param context a context started from {@link #runner}
	 * @param access the access token value
	 * @param expiresAt when the access token expires (issued an hour before)
	 * @param refresh the refresh token value, or {@code null} for none
	 */
	public static void seed(ApplicationContext context, String access, Instant expiresAt, String refresh) {
		ClientRegistration registration = context.getBean(ClientRegistrationRepository.class)
			.findByRegistrationId("api");
		Instant issued = expiresAt.minusSeconds(3600);
		context.getBean(TokenStore.class)
			.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, "ada",
					new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, access, issued, expiresAt, Set.of("read")),
					(refresh != null) ? new OAuth2RefreshToken(refresh, issued) : null), Accounts.principal("ada"));
	}

	/**
	 * What an application calls: the client manager, for {@code ada}'s login to {@code api}.
	 * @param context a context started from {@link #runner}
	 * @return the authorized client
	 */
	public static OAuth2AuthorizedClient authorize(ApplicationContext context) {
		return context.getBean(OAuth2AuthorizedClientManager.class)
			.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("api").principal("ada").build());
	}

}

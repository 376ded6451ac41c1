package io.github.oauthcallback.support;

import io.github.oauthcallback.autoconfigure.OAuthCallbackAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

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
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackAutoConfiguration.class,
					OAuthCallbackClientAutoConfiguration.class))
			.withPropertyValues(registration + "client-id=cli",
					registration + "authorization-grant-type=authorization_code",
					registration + "client-authentication-method=none",
					registration + "redirect-uri=http://127.0.0.1/callback", registration + "provider=stub",
					"spring.security.oauth2.client.provider.stub.authorization-uri=" + authorizationUri,
					"spring.security.oauth2.client.provider.stub.token-uri=" + tokenUri, "oauth-callback.account=ada");
	}

}

package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.support.CapturedLogs;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

class DeclaredRestClientsRegistrarTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
				OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackAutoConfiguration.class,
				OAuthCallbackClientAutoConfiguration.class))
		.withPropertyValues("spring.security.oauth2.client.registration.demo.client-id=cli",
				"spring.security.oauth2.client.registration.demo.authorization-grant-type=authorization_code",
				"spring.security.oauth2.client.registration.demo.client-authentication-method=none",
				"spring.security.oauth2.client.registration.demo.redirect-uri=http://127.0.0.1/callback",
				"spring.security.oauth2.client.registration.demo.provider=demo",
				"spring.security.oauth2.client.provider.demo.authorization-uri=https://idp.example/authorize",
				"spring.security.oauth2.client.provider.demo.token-uri=https://idp.example/token",
				"oauth-callback.store.type=memory", "oauth-callback.clients.api.registration=demo",
				"oauth-callback.clients.api.base-url=https://api.example", "oauth-callback.clients.other.registration=demo");

	@Test
	void eachDeclaredClientBecomesABean() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeanNamesForType(RestClient.class)).containsExactlyInAnyOrder("apiRestClient",
					"otherRestClient");
		});
	}

	@Test
	void applicationBeanOfTheSameNameWinsAndTheDeclaredClientIsSkipped() {
		RestClient own = RestClient.create("https://own.example");
		try (CapturedLogs logs = new CapturedLogs()) {
			this.runner.withBean("apiRestClient", RestClient.class, () -> own).run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("apiRestClient")).isSameAs(own);
				assertThat(context.getBeanNamesForType(RestClient.class)).containsExactlyInAnyOrder("apiRestClient",
						"otherRestClient");
				assertThat(context.getBean("otherRestClient")).isNotSameAs(own);
			});
			assertThat(logs.text()).contains("DEBUG " + DeclaredRestClientsRegistrar.class.getName()
					+ " Not registering oauth-callback.clients.api: the application defines a bean named 'apiRestClient'");
		}
	}

	@Test
	void applicationBeanOfAnotherTypeWithThatNameAlsoWins() {
		this.runner.withBean("apiRestClient", String.class, () -> "not a client").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("apiRestClient")).isEqualTo("not a client");
			assertThat(context.getBeanNamesForType(RestClient.class)).containsExactly("otherRestClient");
		});
	}

}

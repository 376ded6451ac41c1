package io.github.oauthcallback.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.refresh.ScheduledTokenRefresher;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.StubRegistration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * {@link OAuthCallbackScheduledRefreshAutoConfiguration}: off unless {@code oauth-callback.refresh.scheduled.enabled}
 * is {@code true}, replaceable, and, when asked for but unable to work (an application's own client manager or
 * store), a start-up failure that says what to do instead of a refresh that silently never runs.
 */
class OAuthCallbackScheduledRefreshAutoConfigurationTests {

	private static final String ENABLED = "oauth-callback.refresh.scheduled.enabled";

	/** The token endpoint is a closed port: nothing here refreshes. */
	private static ApplicationContextRunner runner() {
		return StubRegistration.runner("http://127.0.0.1:9/authorize", "http://127.0.0.1:9/token")
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.login.interactive=never");
	}

	@Test
	void offByDefault() {
		runner().run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ScheduledTokenRefresher.class));
	}

	@Test
	void offWhenTurnedOff() {
		runner().withPropertyValues(ENABLED + "=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ScheduledTokenRefresher.class));
	}

	@Test
	void runsWhenTurnedOn() {
		runner().withPropertyValues(ENABLED + "=true").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeanNamesForType(ScheduledTokenRefresher.class))
				.containsExactly("oauthCallbackScheduledTokenRefresher");
			assertThat(context.getBean(ScheduledTokenRefresher.class).isRunning()).isTrue();
		});
	}

	@Test
	void backsOffForOneOfTheApplication() {
		runner().withPropertyValues(ENABLED + "=true").withUserConfiguration(OwnRefresher.class).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean("oauthCallbackScheduledTokenRefresher");
			assertThat(context.getBeanNamesForType(ScheduledTokenRefresher.class)).containsExactly("ownRefresher");
		});
	}

	@Test
	void withoutAClientManagerThereIsNothingToRefresh() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class,
					OAuthCallbackScheduledRefreshAutoConfiguration.class))
			.withPropertyValues(ENABLED + "=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ScheduledTokenRefresher.class));
	}

	@Test
	void aPlainManagerOfTheApplicationFailsStartUpNamingTheBeanAndWhatToDo() {
		runner().withPropertyValues(ENABLED + "=true")
			.withBean("myManager", OAuth2AuthorizedClientManager.class, PlainManager::new)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo(ENABLED))
				.hasMessageContaining("needs the starter's client manager, OAuthCallbackAuthorizedClientManager")
				.hasMessageContaining("'myManager' (" + PlainManager.class.getName() + ")")
				.hasMessageContaining("Remove that bean")
				.hasMessageContaining(ENABLED + "=false"));
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aPlainManagerOfTheApplicationIsReportedAsAFailedStart(CapturedOutput output) {
		SpringApplication application = new SpringApplication(AppWithItsOwnManager.class);
		application.setDefaultProperties(Map.of("spring.main.web-application-type", "none", "spring.main.banner-mode",
				"off", "spring.config.name", "no-config-file"));
		String registration = "--spring.security.oauth2.client.registration.demo.";
		assertThatException().isThrownBy(() -> application.run(registration + "client-id=cli",
				registration + "client-authentication-method=none", registration + "provider=demo",
				"--spring.security.oauth2.client.provider.demo.authorization-uri=https://idp.example/authorize",
				"--spring.security.oauth2.client.provider.demo.token-uri=https://idp.example/token",
				"--oauth-callback.store.type=memory", "--" + ENABLED + "=true"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value 'true' for configuration property '" + ENABLED + "'")
			.contains("'myManager' (" + PlainManager.class.getName() + ")");
	}

	/** Was {@code UserDefinedAuthorizedClientServiceTests.scheduledRefreshNeedsAStoreThatCanListItsLogins}. */
	@Test
	void scheduledRefreshNeedsAStoreThatCanListItsLogins() {
		runner().withUserConfiguration(ApplicationsOwnService.class)
			.withPropertyValues(ENABLED + "=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("needs a store that can list its logins")
				.hasMessageContaining("oauth-callback.store.type"));
	}

	/** A client manager that is not the starter's. */
	static final class PlainManager implements OAuth2AuthorizedClientManager {

		@Override
		public org.springframework.security.oauth2.client.OAuth2AuthorizedClient authorize(
				org.springframework.security.oauth2.client.OAuth2AuthorizeRequest request) {
			return null;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRefresher {

		@Bean
		ScheduledTokenRefresher ownRefresher(TokenStore store, OAuthCallbackAuthorizedClientManager manager) {
			return new ScheduledTokenRefresher(store, manager, null, Duration.ofHours(1), Duration.ofMinutes(5), 1,
					Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationsOwnService {

		@Bean
		OAuth2AuthorizedClientService applicationsOwnService(ClientRegistrationRepository registrations) {
			return new InMemoryOAuth2AuthorizedClientService(registrations);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class AppWithItsOwnManager {

		@Bean
		OAuth2AuthorizedClientManager myManager() {
			return new PlainManager();
		}

	}

}

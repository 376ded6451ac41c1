package io.github.oauthcallback.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.oauthcallback.refresh.Interactivity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OAuthCallbackProperties}: the grouped names bind, and an invalid value fails binding with Spring
 * Boot's {@link InvalidConfigurationPropertyValueException} naming the property.
 */
class OAuthCallbackPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesOnly.class);

	@Test
	void groupedNamesBind() {
		this.runner
			.withPropertyValues("oauth-callback.login.account=ci-bot", "oauth-callback.login.timeout=90s",
					"oauth-callback.login.browser=print", "oauth-callback.login.interactive=never",
					"oauth-callback.login.command=tool login {registration}",
					"oauth-callback.login.authorization-parameters.google.access_type=offline",
					"oauth-callback.token-endpoint.connect-timeout=3s", "oauth-callback.token-endpoint.read-timeout=7s",
					"oauth-callback.token-endpoint.retry.attempts=5", "oauth-callback.token-endpoint.retry.backoff=1s",
					"oauth-callback.token-endpoint.retry.max-backoff=20s", "oauth-callback.refresh.clock-skew=30s",
					"oauth-callback.refresh.scheduled.enabled=true", "oauth-callback.discovery.timeout=10s")
			.run((context) -> {
				OAuthCallbackProperties properties = context.getBean(OAuthCallbackProperties.class);
				OAuthCallbackProperties.Login login = properties.login();
				assertThat(login.account()).isEqualTo("ci-bot");
				assertThat(login.timeout()).isEqualTo(Duration.ofSeconds(90));
				assertThat(login.browser()).isEqualTo("print");
				assertThat(login.interactive()).isEqualTo(Interactivity.NEVER);
				assertThat(login.command()).isEqualTo("tool login {registration}");
				assertThat(login.authorizationParameters()).containsEntry("google", Map.of("access_type", "offline"));
				OAuthCallbackProperties.TokenEndpoint tokenEndpoint = properties.tokenEndpoint();
				assertThat(tokenEndpoint.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(tokenEndpoint.readTimeout()).isEqualTo(Duration.ofSeconds(7));
				assertThat(tokenEndpoint.retry().attempts()).isEqualTo(5);
				assertThat(tokenEndpoint.retry().backoff()).isEqualTo(Duration.ofSeconds(1));
				assertThat(tokenEndpoint.retry().maxBackoff()).isEqualTo(Duration.ofSeconds(20));
				assertThat(properties.refresh().clockSkew()).isEqualTo(Duration.ofSeconds(30));
				assertThat(properties.refresh().scheduled().enabled()).isTrue();
				assertThat(properties.discovery().timeout()).isEqualTo(Duration.ofSeconds(10));
			});
	}

	@Test
	void defaults() {
		this.runner.run((context) -> {
			OAuthCallbackProperties properties = context.getBean(OAuthCallbackProperties.class);
			assertThat(properties.login().timeout()).isEqualTo(Duration.ofMinutes(5));
			assertThat(properties.login().browser()).isEqualTo("auto");
			assertThat(properties.login().interactive()).isEqualTo(Interactivity.AUTO);
			assertThat(properties.login().command()).isEqualTo("login {registration}");
			assertThat(properties.login().authorizationParameters()).isEmpty();
			assertThat(properties.tokenEndpoint().retry().attempts()).isEqualTo(3);
			assertThat(properties.tokenEndpoint().retry().backoff()).isEqualTo(Duration.ofMillis(500));
			assertThat(properties.tokenEndpoint().retry().maxBackoff()).isEqualTo(Duration.ofSeconds(30));
			assertThat(properties.clients()).isEmpty();
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "oauth-callback.login.timeout|0s", "oauth-callback.login.timeout|-5s",
			"oauth-callback.token-endpoint.connect-timeout|0s", "oauth-callback.token-endpoint.read-timeout|-1s",
			"oauth-callback.token-endpoint.retry.attempts|0", "oauth-callback.token-endpoint.retry.attempts|11",
			"oauth-callback.token-endpoint.retry.backoff|2m", "oauth-callback.token-endpoint.retry.max-backoff|6m",
			"oauth-callback.refresh.clock-skew|-1s", "oauth-callback.refresh.lifetime-when-unknown|0s",
			"oauth-callback.refresh.scheduled.interval|0s", "oauth-callback.refresh.scheduled.window|-1m",
			"oauth-callback.refresh.scheduled.concurrency|65", "oauth-callback.discovery.timeout|0s",
			"oauth-callback.discovery.cache.time-to-live|-1h", "oauth-callback.listener.host|0.0.0.0",
			"oauth-callback.listener.path|callback", "oauth-callback.listener.ports|70000",
			"oauth-callback.listener.pages.success-redirect-uri|http://app.example/welcome" })
	void invalidValueFailsNamingTheProperty(String name, String value) {
		this.runner.withPropertyValues(name + "=" + value)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo(name);
					assertThat(ex.getReason()).isNotBlank();
				})
				.hasMessageContaining(name));
	}

	@Test
	void oldFlatNamesNoLongerBind() {
		this.runner.withPropertyValues("oauth-callback.timeout=90s", "oauth-callback.refresh.attempts=5")
			.run((context) -> {
				OAuthCallbackProperties properties = context.getBean(OAuthCallbackProperties.class);
				assertThat(properties.login().timeout()).isEqualTo(Duration.ofMinutes(5));
				assertThat(properties.tokenEndpoint().retry().attempts()).isEqualTo(3);
			});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(OAuthCallbackProperties.class)
	static class PropertiesOnly {

	}

}

package io.github.oauthcallback.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import io.github.oauthcallback.internal.store.EncryptionKeyException;
import io.github.oauthcallback.internal.store.EncryptionKeyException.KeySource;
import io.github.oauthcallback.support.StubRegistration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Start-up failures are reported as a short "APPLICATION FAILED TO START" block: an invalid property with its name,
 * and a refusal of the domain (which names no {@code oauth-callback.*} property) with the property to fix added in
 * the action. Keys and client secrets are never shown, not even by Spring Boot's own analyzers, which print the value
 * bound from the environment: this analyzer runs before them.
 */
@ExtendWith(OutputCaptureExtension.class)
class OAuthCallbackFailureAnalyzerTests {

	private static final String[] REGISTRATION = { "--spring.security.oauth2.client.registration.demo.client-id=cli",
			"--spring.security.oauth2.client.registration.demo.client-authentication-method=none",
			"--spring.security.oauth2.client.registration.demo.authorization-grant-type=authorization_code",
			"--spring.security.oauth2.client.registration.demo.provider=demo",
			"--spring.security.oauth2.client.provider.demo.authorization-uri=https://idp.example/authorize",
			"--spring.security.oauth2.client.provider.demo.token-uri=https://idp.example/token",
			"--oauth-callback.store.type=memory" };

	private final OAuthCallbackFailureAnalyzer analyzer = new OAuthCallbackFailureAnalyzer();

	@Test
	void aKeyOfTheWrongSizeIsReportedWithoutTheKey(CapturedOutput output) {
		String key = Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes(StandardCharsets.UTF_8));
		start(output, "--oauth-callback.store.encryption.key=" + key);
		assertThat(output).contains("APPLICATION FAILED TO START", "oauth-callback.store.encryption.key",
				"has 16 bytes; AES-256 needs 32", "openssl rand -base64 32")
			.doesNotContain(key);
	}

	@Test
	void aKeyIsNotShownWhenAnotherValueOfItsGroupIsRefused(CapturedOutput output) {
		String key = key();
		String previous = key();
		start(output, "--oauth-callback.store.encryption.key=" + key,
				"--oauth-callback.store.encryption.previous-keys=" + previous, "--oauth-callback.store.lock-timeout=0s");
		assertThat(output).contains("APPLICATION FAILED TO START", "oauth-callback.store.lock-timeout",
				"The lock timeout must be positive")
			.doesNotContain(key, previous);
	}

	@Test
	void aPreviousKeyThatIsNotBase64IsNamedButNotShown(CapturedOutput output) {
		String previous = "not+base64+" + key().substring(0, 20) + "!";
		start(output, "--oauth-callback.store.encryption.key=" + key(),
				"--oauth-callback.store.encryption.previous-keys=" + previous);
		assertThat(output).contains("oauth-callback.store.encryption.previous-keys", "(hidden)",
				"A previous encryption key is not valid base64")
			.doesNotContain(previous);
	}

	@Test
	void aRegistrationTheLoginCannotUseGetsItsPropertyInTheAction() {
		StubRegistration.runner("https://idp.example/authorize", "https://idp.example/token")
			.withPropertyValues("oauth-callback.store.type=memory",
					"spring.security.oauth2.client.registration.api.redirect-uri=https://app.example/callback")
			.run((context) -> {
				FailureAnalysis analysis = this.analyzer.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("which is not a loopback http URI");
				assertThat(analysis.getAction())
					.contains("Fix spring.security.oauth2.client.registration.api.redirect-uri");
			});
	}

	@Test
	void anUnusableTokenFileAtStartUpGetsTheStorePropertiesInTheAction(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("tokens.json");
		Files.writeString(file, "not json");
		StubRegistration.runner("https://idp.example/authorize", "https://idp.example/token")
			.withPropertyValues("oauth-callback.store.file.path=" + file,
					"oauth-callback.store.encryption.key=" + key(),
					"oauth-callback.store.encryption.encrypt-plaintext=true")
			.run((context) -> {
				FailureAnalysis analysis = this.analyzer.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("The token file " + file, "is not a valid token file")
					.doesNotContain("oauth-callback.");
				assertThat(analysis.getAction()).contains("oauth-callback.store.file.path",
						"oauth-callback.store.encryption.encrypt-plaintext");
			});
	}

	@Test
	void aKeyRefusedWhileTheCipherIsBuiltNamesItsProperty() {
		for (Map.Entry<KeySource, String> source : Map.of(KeySource.KEY, "oauth-callback.store.encryption.key",
				KeySource.KEY_FILE, "oauth-callback.store.encryption.key-file", KeySource.PREVIOUS_KEYS,
				"oauth-callback.store.encryption.previous-keys")
			.entrySet()) {
			FailureAnalysis analysis = this.analyzer.analyze(new BeanCreationException("oauthCallbackTokenCipher",
					"failed", new EncryptionKeyException(source.getKey(), "The key is wrong.", null)));
			assertThat(analysis.getDescription()).isEqualTo("The key is wrong.");
			assertThat(analysis.getAction()).as(source.getKey().name()).contains("Fix " + source.getValue() + " ");
		}
	}

	@Test
	void anInvalidValueIsLeftToSpringBootWhichSaysWhereItCameFromUnlessItIsASecret() {
		for (String property : new String[] { "app.timeout", "oauth-callback.login.timeout" }) {
			assertThat(this.analyzer.analyze(new InvalidConfigurationPropertyValueException(property, "PT0S",
					"It must be positive."))).as(property).isNull();
		}
		for (String property : new String[] { "oauth-callback.store.encryption.key",
				"oauth-callback.store.encryption.previous-keys" }) {
			assertThat(this.analyzer.analyze(new InvalidConfigurationPropertyValueException(property, "(hidden)",
					"It is not valid base64."))
				.getDescription()).isEqualTo("Property " + property + " with value '(hidden)' is invalid: It is not "
						+ "valid base64.");
		}
		assertThat(this.analyzer.analyze(new InvalidConfigurationPropertyValueException(
				"spring.security.oauth2.client.registration.api.client-secret", null, "It is missing."))
			.getAction()).contains("Fix the property named above");
	}

	@Test
	void aDeclaredClientWithoutItsRegistrationIsReportedHereSinceSpringBootCannotFindTheValue(CapturedOutput output) {
		start(output, "--oauth-callback.clients.github.base-url=https://api.github.com");
		assertThat(output).contains("Property oauth-callback.clients.github.registration with value 'null' is invalid: "
				+ "It is required", "Fix the property named above");
	}

	@Test
	void anInvalidValueOfTheStarterIsReportedBySpringBoot(CapturedOutput output) {
		start(output, "--oauth-callback.listener.host=0.0.0.0");
		assertThat(output).contains("oauth-callback.listener.host", "The listener host must be a loopback host");
	}

	private static void start(CapturedOutput output, String... properties) {
		String[] args = new String[REGISTRATION.length + properties.length];
		System.arraycopy(REGISTRATION, 0, args, 0, REGISTRATION.length);
		System.arraycopy(properties, 0, args, REGISTRATION.length, properties.length);
		SpringApplication application = new SpringApplication(StarterOnly.class);
		application.setDefaultProperties(Map.of("spring.main.web-application-type", "none", "spring.main.banner-mode",
				"off", "spring.config.name", "no-config-file"));
		assertThatException().isThrownBy(() -> application.run(args).close());
		assertThat(output).as("the short report, not a stack trace").contains("APPLICATION FAILED TO START");
	}

	private static String key() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	@SpringBootConfiguration
	@ImportAutoConfiguration({ OAuth2ClientAutoConfiguration.class, OAuthCallbackStoreAutoConfiguration.class,
			OAuthCallbackLoginAutoConfiguration.class, OAuthCallbackClientManagerAutoConfiguration.class,
			OAuthCallbackRestClientAutoConfiguration.class })
	static class StarterOnly {

	}

}

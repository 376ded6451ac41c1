package io.github.oauthcallback.autoconfigure;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import io.github.oauthcallback.internal.refresh.Interactivity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OAuthCallbackProperties}: the grouped names bind, and an invalid value fails binding with Spring
 * Boot's {@link InvalidConfigurationPropertyValueException} naming the property, the value (never a key) and what is
 * valid.
 */
class OAuthCallbackPropertiesTests {

	/** A valid 256-bit key, base64. */
	private static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesOnly.class);

	@Test
	void groupedNamesBind() {
		this.runner
			.withPropertyValues("oauth-callback.login.account=ci-bot", "oauth-callback.login.timeout=90s",
					"oauth-callback.login.browser=print", "oauth-callback.login.mode=Paste",
					"oauth-callback.login.interactive=never",
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
				assertThat(login.mode()).isEqualTo("paste");
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
			assertThat(properties.login().mode()).isEqualTo("auto");
			assertThat(properties.login().interactive()).isEqualTo(Interactivity.AUTO);
			assertThat(properties.login().command()).isEqualTo("login {registration}");
			assertThat(properties.login().authorizationParameters()).isEmpty();
			assertThat(properties.tokenEndpoint().retry().attempts()).isEqualTo(3);
			assertThat(properties.tokenEndpoint().retry().backoff()).isEqualTo(Duration.ofMillis(500));
			assertThat(properties.tokenEndpoint().retry().maxBackoff()).isEqualTo(Duration.ofSeconds(30));
			assertThat(properties.clients()).isEmpty();
			assertThat(properties.logout().revoke()).isTrue();
			assertThat(properties.login().revokeReplaced()).isTrue();
			assertThat(properties.registrations()).isEmpty();
		});
	}

	/**
	 * One row per invalid value: the property that fails, the value given, the value the failure shows (the bound one,
	 * so a duration shows as Java writes it), and what the reason says is valid.
	 */
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"oauth-callback.login.timeout|0s|PT0S|Use a duration such as 5m (the default)",
			"oauth-callback.login.timeout|-5s|PT-5S|The login timeout must be positive",
			"oauth-callback.login.mode|keyboard|keyboard|It must be one of auto, browser, paste, device",
			"oauth-callback.token-endpoint.connect-timeout|0s|PT0S|It must be positive",
			"oauth-callback.token-endpoint.read-timeout|-1s|PT-1S|It must be positive",
			"oauth-callback.token-endpoint.retry.attempts|0|0|It must be between 1 and 10",
			"oauth-callback.token-endpoint.retry.attempts|11|11|It must be between 1 and 10",
			"oauth-callback.token-endpoint.retry.backoff|2m|PT2M|It must be between 0 and 1m",
			"oauth-callback.token-endpoint.retry.max-backoff|6m|PT6M|at most 5m",
			"oauth-callback.refresh.clock-skew|-1s|PT-1S|It must not be negative",
			"oauth-callback.refresh.lifetime-when-unknown|0s|PT0S|It must be positive",
			"oauth-callback.refresh.scheduled.interval|0s|PT0S|It must be positive",
			"oauth-callback.refresh.scheduled.window|-1m|PT-1M|It must not be negative",
			"oauth-callback.refresh.scheduled.concurrency|65|65|It must be between 1 and 64",
			"oauth-callback.discovery.timeout|0s|PT0S|It must be positive",
			"oauth-callback.discovery.cache.time-to-live|-1h|PT-1H|It must not be negative",
			"oauth-callback.listener.host|0.0.0.0|0.0.0.0|must be a loopback host: 127.0.0.1, [::1] or localhost",
			"oauth-callback.listener.host|192.168.1.2|192.168.1.2|must be a loopback host: 127.0.0.1, [::1] or localhost",
			"oauth-callback.listener.path|callback|callback|must start with '/'",
			"oauth-callback.listener.ports|70000|[70000]|must hold ports between 1 and 65535",
			"oauth-callback.listener.ports|0|[0]|must hold ports between 1 and 65535",
			"oauth-callback.listener.pages.success|classpath:nope.html|classpath:nope.html|Point it at a readable classpath: or file: resource",
			"oauth-callback.listener.pages.error|file:/nonexistent/error.html|file:/nonexistent/error.html|Point it at a readable classpath: or file: resource",
			"oauth-callback.listener.pages.bad-request|classpath:nope.html|classpath:nope.html|Point it at a readable classpath: or file: resource",
			"oauth-callback.listener.pages.success-redirect-uri|http://app.example/welcome|http://app.example/welcome|must be an https URI with a host and no user-info, or an http URI on a loopback address",
			"oauth-callback.listener.pages.success-redirect-uri|https://user@app.example/|https://user@app.example/|must be an https URI with a host and no user-info",
			"oauth-callback.store.lock-timeout|0s|PT0S|The lock timeout must be positive",
			"oauth-callback.store.jdbc.table-name|tokens; DROP TABLE x|tokens; DROP TABLE x|must be a plain SQL identifier, optionally schema-qualified",
			"oauth-callback.store.jdbc.cache-time-to-live|-1s|PT-1S|must be zero or positive",
			"oauth-callback.store.encryption.key-file|/nonexistent/key|/nonexistent/key|Cannot read the encryption key file /nonexistent/key",
			"oauth-callback.registrations.google.revocation-uri|http://idp.example/revoke|http://idp.example/revoke|It must be an absolute https URI (http only for 127.0.0.1, [::1] or localhost)",
			"oauth-callback.registrations.google.revocation-uri|/revoke|/revoke|It must be an absolute https URI",
			"oauth-callback.registrations.google.resource|/mcp|/mcp|It must be an absolute URI without a fragment (RFC 8707 section 2)",
			"oauth-callback.registrations.google.resource|https://api.example/mcp#part|https://api.example/mcp#part|It must be an absolute URI without a fragment" })
	void invalidValueFailsNamingThePropertyTheValueAndWhatIsValid(String name, String value, String shown,
			String valid) {
		this.runner.withPropertyValues(name + "=" + value)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo(name);
					assertThat(ex.getReason()).contains(valid);
				})
				.hasMessageStartingWith("Property " + name + " with value '" + shown + "' is invalid: "));
	}

	@Test
	void revocationSettingsBind() {
		this.runner
			.withPropertyValues("oauth-callback.logout.revoke=false", "oauth-callback.login.revoke-replaced=false",
					"oauth-callback.registrations.google.revocation-uri=https://oauth2.googleapis.com/revoke",
					"oauth-callback.registrations.local.revocation-uri=http://127.0.0.1:9000/revoke")
			.run((context) -> {
				OAuthCallbackProperties properties = context.getBean(OAuthCallbackProperties.class);
				assertThat(properties.logout().revoke()).isFalse();
				assertThat(properties.login().revokeReplaced()).isFalse();
				assertThat(OAuthCallbackProperties.Registration.revocationUris(properties.registrations()))
					.containsEntry("google", URI.create("https://oauth2.googleapis.com/revoke"))
					.containsEntry("local", URI.create("http://127.0.0.1:9000/revoke"));
			});
	}

	@Test
	void aBrowserModeWithBrowserPrintContradictsItself() {
		this.runner.withPropertyValues("oauth-callback.login.mode=browser", "oauth-callback.login.browser=print")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.login.mode"))
				.hasMessageContaining("oauth-callback.login.browser=print says never to open one")
				.hasMessageContaining("Set the mode to 'paste'"));
		this.runner.withPropertyValues("oauth-callback.login.mode=paste", "oauth-callback.login.browser=print")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void theJdbcStoreNeedsALockTimeoutOfAtLeastOneSecond() {
		this.runner.withPropertyValues("oauth-callback.store.lock-timeout=500ms")
			.run((context) -> assertThat(context.getBean(OAuthCallbackProperties.class).store().lockTimeout())
				.isEqualTo(Duration.ofMillis(500)));
		this.runner.withPropertyValues("oauth-callback.store.type=jdbc", "oauth-callback.store.lock-timeout=500ms")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.store.lock-timeout"))
				.hasMessageContaining("with value 'PT0.5S'")
				.hasMessageContaining("at least one second for the JDBC store"));
	}

	@Test
	void theTokenFileMustBeAFileInADirectory() {
		// Spring Boot binds a bare "/" as a resource location (the classpath root); file:/ is the file-system root
		this.runner.withPropertyValues("oauth-callback.store.file.path=file:/")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.store.file.path"))
				.hasMessageContaining("with value '/'")
				.hasMessageContaining("must be a file in a directory"));
		this.runner.withPropertyValues("oauth-callback.store.file.path=/tmp/tokens.json")
			.run((context) -> assertThat(context.getBean(OAuthCallbackProperties.class).store().file().path())
				.isEqualTo(Path.of("/tmp/tokens.json")));
	}

	/**
	 * One row per invalid combination of keys: the property named, the properties given (separated by ';'), and
	 * what the reason says. A key is never shown: the failure shows "(hidden)" instead.
	 */
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"oauth-callback.store.encryption.key|key=not+base64!|(hidden)|The encryption key is not valid base64. Generate a key with: openssl rand -base64 32",
			"oauth-callback.store.encryption.key|key=c2l4dGVlbi1ieXRlLWtleQ==|(hidden)|The encryption key has 16 bytes; AES-256 needs 32",
			"oauth-callback.store.encryption.previous-keys|key=" + KEY + ";previous-keys=c2l4dGVlbi1ieXRlLWtleQ==|(hidden)|A previous encryption key has 16 bytes; AES-256 needs 32",
			"oauth-callback.store.encryption.previous-keys|previous-keys=" + KEY + "|(hidden)|Previous encryption keys are given but no current key: give the current key too",
			"oauth-callback.store.encryption.encrypt-plaintext|encrypt-plaintext=true|true|none is configured: set oauth-callback.store.encryption.key (or key-file, or key-source=keychain) too, or remove it",
			"oauth-callback.store.encryption.key-source|key-source=keychain;key=" + KEY + "|keychain|kept in the OS keychain, and oauth-callback.store.encryption.key is set too: remove it",
			"oauth-callback.store.encryption.key-source|key-source=keychain;key-file=/some/key|keychain|oauth-callback.store.encryption.key-file is set too",
			"oauth-callback.store.encryption.previous-keys|key-source=keychain;previous-keys=c2l4dGVlbi1ieXRlLWtleQ==|(hidden)|A previous encryption key has 16 bytes",
			"oauth-callback.store.encryption.keychain.account|key-source=keychain;keychain.account=a\"b|a\"b|without quotes",
			"oauth-callback.store.encryption.keychain.account|key-source=keychain;keychain.account=--help|--help|must not start with '-'",
			"oauth-callback.store.encryption.keychain.service|key-source=keychain;keychain.service=-s|-s|must not start with '-'" })
	void invalidKeysFailNamingThePropertyNeverTheKey(String name, String given, String shown, String valid) {
		String[] properties = given.split(";");
		for (int i = 0; i < properties.length; i++) {
			properties[i] = "oauth-callback.store.encryption." + properties[i];
		}
		this.runner.withPropertyValues(properties)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo(name);
					assertThat(ex.getReason()).contains(valid);
				})
				.hasMessageStartingWith("Property " + name + " with value '" + shown + "' is invalid: ")
				.hasMessageNotContaining(KEY)
				.hasMessageNotContaining("c2l4dGVlbi1ieXRlLWtleQ")
				.hasMessageNotContaining("not+base64!"));
	}

	@Test
	void aKeyFileMustBeTheUsersOwnAndReadableByThemOnly(@TempDir Path dir) throws Exception {
		Path keyFile = dir.resolve("key");
		Files.writeString(keyFile, KEY);
		Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
		this.runner.withPropertyValues("oauth-callback.store.encryption.key-file=" + keyFile)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.store.encryption.key-file"))
				.hasMessageContaining("with value '" + keyFile + "'")
				.hasMessageContaining("can be read by other users; refusing to use it. Run: chmod 600 " + keyFile)
				.hasMessageNotContaining(KEY));
		Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
		this.runner
			.withPropertyValues("oauth-callback.store.encryption.key-file=" + keyFile,
					"oauth-callback.store.encryption.key=" + KEY)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.store.encryption.key-file"))
				.hasMessageContaining("given twice, as text and as a key file: give only one of them")
				.hasMessageNotContaining(KEY));
	}

	@Test
	void storeSettingsBind(@TempDir Path dir) throws Exception {
		Path keyFile = dir.resolve("key");
		Files.writeString(keyFile, KEY);
		Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
		this.runner
			.withPropertyValues("oauth-callback.store.type=jdbc", "oauth-callback.store.lock-timeout=2s",
					"oauth-callback.store.jdbc.table-name=cli.tokens", "oauth-callback.store.jdbc.cache-time-to-live=0s",
					"oauth-callback.store.encryption.key-file=" + keyFile,
					"oauth-callback.store.encryption.previous-keys=" + KEY,
					"oauth-callback.store.encryption.encrypt-plaintext=true", "oauth-callback.listener.host=::1",
					"oauth-callback.listener.ports=8400,8401",
					"oauth-callback.listener.pages.success-redirect-uri=http://127.0.0.1:8080/done")
			.run((context) -> {
				OAuthCallbackProperties properties = context.getBean(OAuthCallbackProperties.class);
				assertThat(properties.store().lockTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.store().jdbc().tableName()).isEqualTo("cli.tokens");
				assertThat(properties.store().jdbc().cacheTimeToLive()).isZero();
				assertThat(properties.store().encryption().keyFile()).isEqualTo(keyFile);
				assertThat(properties.store().encryption().previousKeys()).containsExactly(KEY);
				assertThat(properties.store().encryption()).hasToString("Encryption[keySource=PROPERTY, key=(none), "
						+ "keyFile=" + keyFile + ", keychain=Keychain[service=oauth-callback, account=null], "
						+ "previousKeys=1, encryptPlaintext=true]");
				assertThat(properties.listener().host()).isEqualTo("[::1]");
				assertThat(properties.listener().ports()).containsExactly(8400, 8401);
			});
	}

	@Test
	void aDeclaredClientNeedsARegistration() {
		this.runner.withPropertyValues("oauth-callback.clients.github.base-url=https://api.github.com")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.clients.github.registration"))
				.hasMessageContaining("with value 'null'")
				.hasMessageContaining("It is required: name the spring.security.oauth2.client registration whose "
						+ "token the bean 'githubRestClient' sends."));
	}

	@Test
	void aDeviceAuthorizationUriBindsPerRegistrationAndMustBeSafe() {
		this.runner
			.withPropertyValues("oauth-callback.registrations.tv.device-authorization-uri=https://idp.example/device",
					"oauth-callback.registrations.local.device-authorization-uri=http://127.0.0.1:9000/device")
			.run((context) -> assertThat(context.getBean(OAuthCallbackProperties.class).deviceAuthorizationUris())
				.containsEntry("tv", URI.create("https://idp.example/device"))
				.containsEntry("local", URI.create("http://127.0.0.1:9000/device")));
		for (String unsafe : new String[] { "http://idp.example/device", "https://user@idp.example/device",
				"/device", "ftp://idp.example/device" }) {
			this.runner.withPropertyValues("oauth-callback.registrations.tv.device-authorization-uri=" + unsafe)
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
							(ex) -> assertThat(ex.getName())
								.isEqualTo("oauth-callback.registrations.tv.device-authorization-uri"))
					.hasMessageContaining("device authorization endpoint as an absolute https URI"));
		}
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


	@Test
	void keySourceKeychainBindsWithoutReachingTheKeychain() {
		this.runner.withPropertyValues("oauth-callback.store.encryption.key-source=keychain",
				"oauth-callback.store.encryption.previous-keys=" + KEY, "oauth-callback.store.encryption.encrypt-plaintext=true")
			.run((context) -> {
				OAuthCallbackProperties.Encryption encryption = context.getBean(OAuthCallbackProperties.class)
					.store()
					.encryption();
				assertThat(encryption.keySource()).isEqualTo(OAuthCallbackProperties.KeySource.KEYCHAIN);
				assertThat(encryption.keychain().service()).isEqualTo("oauth-callback");
				assertThat(encryption.keychain().account()).isNull();
			});
		this.runner.run((context) -> assertThat(context.getBean(OAuthCallbackProperties.class)
			.store()
			.encryption()
			.keySource()).isEqualTo(OAuthCallbackProperties.KeySource.PROPERTY));
	}

	@ParameterizedTest
	@CsvSource({ "jdbc,every node of a JDBC store needs the same key", "memory,keeps nothing on disk to encrypt" })
	void keySourceKeychainIsForTheFileStoreOnly(String type, String reason) {
		this.runner.withPropertyValues("oauth-callback.store.type=" + type,
				"oauth-callback.store.encryption.key-source=keychain")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("oauth-callback.store.encryption.key-source");
					assertThat(ex.getReason()).contains("for the file store only").contains(reason);
				}));
	}
}

package io.github.oauthcallback.autoconfigure;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.store.InMemoryTokenStore;
import io.github.oauthcallback.store.JdbcTokenStore;
import io.github.oauthcallback.store.StoreFixtures;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.internal.store.keychain.CredentialStore;
import io.github.oauthcallback.internal.store.keychain.KeychainException;
import io.github.oauthcallback.internal.store.keychain.Keychains;
import io.github.oauthcallback.support.CapturedLogs;
import io.github.oauthcallback.support.SecretServiceSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

import static org.assertj.core.api.Assertions.assertThat;

class OAuthCallbackStoreAutoConfigurationTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
				OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class))
		.withPropertyValues("spring.security.oauth2.client.registration.demo.client-id=cli",
				"spring.security.oauth2.client.registration.demo.authorization-grant-type=authorization_code",
				"spring.security.oauth2.client.registration.demo.client-authentication-method=none",
				"spring.security.oauth2.client.registration.demo.redirect-uri=http://127.0.0.1/callback",
				"spring.security.oauth2.client.registration.demo.provider=demo",
				"spring.security.oauth2.client.provider.demo.authorization-uri=https://idp.example/authorize",
				"spring.security.oauth2.client.provider.demo.token-uri=https://idp.example/token");

	@Test
	void fileStoreIsTheDefaultInThePlatformDirectoryOfTheApplication() {
		this.runner.withPropertyValues("spring.application.name=my-cli").run((context) -> {
			assertThat(context).hasSingleBean(OAuth2AuthorizedClientService.class);
			assertThat(context.getBean(OAuth2AuthorizedClientService.class)).isInstanceOf(FileTokenStore.class);
			assertThat(context.getBean(TokenStore.class).location())
				.endsWith(Path.of("my-cli", "tokens.json").toString());
			assertThat(context.getBean(TokenCipher.class).encrypting()).isFalse();
		});
	}

	@Test
	void filePathAndEncryptionKeyFromProperties() {
		Path file = this.dir.resolve("t.json");
		String key = Base64.getEncoder().encodeToString(new byte[32]);
		this.runner
			.withPropertyValues("oauth-callback.store.file.path=" + file, "oauth-callback.store.encryption.key=" + key)
			.run((context) -> {
				TokenStore store = context.getBean(TokenStore.class);
				assertThat(store.location()).isEqualTo(file.toString());
				assertThat(context.getBean(TokenCipher.class).encrypting()).isTrue();
				store.saveAuthorizedClient(StoreFixtures.client(
						context.getBean(ClientRegistrationRepository.class).findByRegistrationId("demo"), "ada", "a",
						null), StoreFixtures.account("ada"));
				assertThat(java.nio.file.Files.readString(file)).contains("enc:v2:").doesNotContain("\"a\"");
			});
	}

	@Test
	void everyStartWithTheMigrationPropertyWarnsThatPlantedPlaintextWouldBeAccepted() {
		Path file = this.dir.resolve("t.json");
		String key = Base64.getEncoder().encodeToString(new byte[32]);
		new FileTokenStore(file, StoreFixtures.registrations("demo"), TokenCipher.none()).saveAuthorizedClient(
				StoreFixtures.client(StoreFixtures.registration("demo"), "ada", "plain-a", null),
				StoreFixtures.account("ada"));
		for (int start = 1; start <= 2; start++) {
			try (CapturedLogs logs = new CapturedLogs()) {
				this.runner
					.withPropertyValues("oauth-callback.store.file.path=" + file,
							"oauth-callback.store.encryption.key=" + key,
							"oauth-callback.store.encryption.encrypt-plaintext=true")
					.run((context) -> assertThat(context).hasNotFailed());
				assertThat(logs.text()).as("start %d", start)
					.contains("WARN", "oauth-callback.store.encryption.encrypt-plaintext is set",
							"a plaintext login that someone plants in the store would be accepted at the next start",
							"Remove the property")
					.doesNotContain("plain-a");
				if (start == 1) {
					assertThat(logs.text()).contains("sealed the login for registration 'demo' and account 'ada'");
				}
			}
		}
		try (CapturedLogs logs = new CapturedLogs()) {
			this.runner.withPropertyValues("oauth-callback.store.file.path=" + file,
					"oauth-callback.store.encryption.key=" + key).run((context) -> assertThat(context).hasNotFailed());
			assertThat(logs.text()).doesNotContain("encrypt-plaintext is set");
		}
	}

	@Test
	void invalidEncryptionKeyFailsAtStartUp() {
		this.runner.withPropertyValues("oauth-callback.store.encryption.key=not-base64!")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.store.encryption.key"))
				.hasMessageContaining("oauth-callback.store.encryption.key")
				.hasMessageNotContaining("not-base64!"));
	}

	@Test
	void memoryStore() {
		this.runner.withPropertyValues("oauth-callback.store.type=memory")
			.run((context) -> assertThat(context.getBean(OAuth2AuthorizedClientService.class))
				.isInstanceOf(InMemoryTokenStore.class));
	}

	@Test
	void jdbcStoreOnAnEmbeddedDatabaseCreatesItsTable() {
		this.runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
			.withPropertyValues("oauth-callback.store.type=jdbc", "spring.datasource.url=jdbc:h2:mem:autoconfig",
					"oauth-callback.store.jdbc.table-name=cli_tokens")
			.run((context) -> {
				assertThat(context.getBean(OAuth2AuthorizedClientService.class)).isInstanceOf(JdbcTokenStore.class);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM cli_tokens", Integer.class)).isZero();
				TokenStore store = context.getBean(TokenStore.class);
				store.saveAuthorizedClient(StoreFixtures.client(
						context.getBean(ClientRegistrationRepository.class).findByRegistrationId("demo"), "ada", "a",
						null), StoreFixtures.account("ada"));
				assertThat((OAuth2AuthorizedClient) store.loadAuthorizedClient("demo", "ada")).isNotNull();
				assertThat(store.location()).startsWith("table cli_tokens on jdbc:h2:mem:autoconfig");
			});
	}

	@Test
	void jdbcStoreWithSchemaInitializationNeverLeavesTheTableToTheUser() {
		this.runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
			.withPropertyValues("oauth-callback.store.type=jdbc", "spring.datasource.url=jdbc:h2:mem:never",
					"oauth-callback.store.jdbc.initialize-schema=never")
			.run((context) -> {
				TokenStore store = context.getBean(TokenStore.class);
				org.assertj.core.api.Assertions.assertThatExceptionOfType(io.github.oauthcallback.TokenStoreException.class)
					.isThrownBy(() -> store.loadAuthorizedClient("demo", "ada"))
					.withMessageContaining("let the starter initialize the schema, or create it with the shipped scripts")
					.withMessageNotContaining("oauth-callback.");
			});
	}

	@Test
	void jdbcStoreWithoutADataSourceFailsClearly() {
		this.runner.withPropertyValues("oauth-callback.store.type=jdbc")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.store.type"))
				.hasMessageContaining("needs one DataSource")
				.hasMessageContaining("spring.datasource.url"));
	}

	@Test
	void userDefinedServiceWins() {
		InMemoryOAuth2AuthorizedClientService mine = new InMemoryOAuth2AuthorizedClientService(
				StoreFixtures.registrations("demo"));
		this.runner.withBean("mine", OAuth2AuthorizedClientService.class, () -> mine).run((context) -> {
			assertThat(context).hasSingleBean(OAuth2AuthorizedClientService.class).doesNotHaveBean(TokenStore.class);
			assertThat(context.getBean(OAuth2AuthorizedClientService.class)).isSameAs(mine);
		});
	}

	@Test
	void noRegistrationsNoStore() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TokenStore.class));
	}

	@Test
	void tokenCipherBacksOffForOneOfTheApplicationWhichTheStoreUses() {
		Path file = this.dir.resolve("own-cipher.json");
		TokenCipher mine = TokenCipher.of(new byte[32], List.of());
		this.runner.withPropertyValues("oauth-callback.store.file.path=" + file)
			.withBean("myCipher", TokenCipher.class, () -> mine)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean("oauthCallbackTokenCipher");
				assertThat(context.getBean(TokenCipher.class)).isSameAs(mine);
				context.getBean(TokenStore.class)
					.saveAuthorizedClient(StoreFixtures.client(
							context.getBean(ClientRegistrationRepository.class).findByRegistrationId("demo"), "ada",
							"a", null), StoreFixtures.account("ada"));
				assertThat(java.nio.file.Files.readString(file)).contains("enc:v2:").doesNotContain("\"a\"");
			});
	}

	@Test
	void jdbcStoreWithoutSpringJdbcFailsClearly() {
		this.runner.withClassLoader(new FilteredClassLoader(JdbcTemplate.class))
			.withPropertyValues("oauth-callback.store.type=jdbc")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("needs Spring JDBC on the classpath"));
	}

	@Test
	void keySourceKeychainKeepsTheKeyInTheSecretServiceAndSaysSo() throws Exception {
		Path file = this.dir.resolve("t.json");
		try (SecretServiceSession session = SecretServiceSession.start(this.dir.resolve("home"), true)) {
			CredentialStore keychain = Keychains.secretService("secret-tool", "oauth-callback", "store-test",
					session.environment());
			this.runner.withBean(CredentialStore.class, () -> keychain)
				.withPropertyValues("oauth-callback.store.file.path=" + file,
						"oauth-callback.store.encryption.key-source=keychain")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					TokenCipher cipher = context.getBean(TokenCipher.class);
					assertThat(cipher.keyLocation())
						.isEqualTo("OS keychain (Secret Service, service 'oauth-callback', account 'store-test')");
					context.getBean(TokenStore.class)
						.saveAuthorizedClient(StoreFixtures.client(
								context.getBean(ClientRegistrationRepository.class).findByRegistrationId("demo"),
								"ada", "a", null), StoreFixtures.account("ada"));
					assertThat(java.nio.file.Files.readString(file)).contains("enc:v2:" + cipher.currentKeyId())
						.doesNotContain("\"a\"");
					String stored = session.secretTool(null, "lookup", "service", "oauth-callback", "account",
							"store-test").stdout();
					assertThat(TokenCipher.keyId(Base64.getDecoder().decode(stored))).isEqualTo(cipher.currentKeyId());
					assertThat(java.nio.file.Files.readString(file)).doesNotContain(stored);
				});
		}
	}

	@Test
	void theKeychainItemIsNamedAfterTheApplicationUnlessConfigured() {
		// With a cipher of the application's, the item is described but the keychain never reached.
		ApplicationContextRunner runner = this.runner.withBean(TokenCipher.class, TokenCipher::none)
			.withPropertyValues("oauth-callback.store.file.path=" + this.dir.resolve("t.json"));
		runner.withPropertyValues("spring.application.name=my-cli", "oauth-callback.store.encryption.key-source=keychain")
			.run((context) -> assertThat(context.getBean(CredentialStore.class).describe())
				.endsWith("service 'oauth-callback', account 'my-cli'"));
		runner.withPropertyValues("oauth-callback.store.encryption.key-source=keychain")
			.run((context) -> assertThat(context.getBean(CredentialStore.class).describe())
				.endsWith("service 'oauth-callback', account 'oauth-callback'"));
		runner.withPropertyValues("spring.application.name=my-cli", "oauth-callback.store.encryption.key-source=keychain",
				"oauth-callback.store.encryption.keychain.service=acme", "oauth-callback.store.encryption.keychain.account=ops")
			.run((context) -> assertThat(context.getBean(CredentialStore.class).describe())
				.endsWith("service 'acme', account 'ops'"));
		runner.run((context) -> assertThat(context).doesNotHaveBean(CredentialStore.class));
	}

	@Test
	void anApplicationNameThatIsNoKeychainAccountFailsNamingBothProperties() {
		ApplicationContextRunner runner = this.runner.withBean(TokenCipher.class, TokenCipher::none)
			.withPropertyValues("oauth-callback.store.file.path=" + this.dir.resolve("t.json"),
					"oauth-callback.store.encryption.key-source=keychain");
		runner.withPropertyValues("spring.application.name=--help")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("spring.application.name");
					assertThat(ex.getReason()).contains("must not start with '-'")
						.contains("oauth-callback.store.encryption.keychain.account");
				}));
		runner.withPropertyValues("spring.application.name=" + "a".repeat(129))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getReason()).contains("at most 128 characters")));
		runner.withPropertyValues("spring.application.name=--help", "oauth-callback.store.encryption.keychain.account=ops")
			.run((context) -> assertThat(context.getBean(CredentialStore.class).describe())
				.endsWith("account 'ops'"));
	}

	@Test
	void anUnreachableKeychainFailsStartUpClearlyWithoutAnyOtherKey() {
		Path file = this.dir.resolve("t.json");
		CredentialStore keychain = Keychains.secretService(this.dir.resolve("no-secret-tool").toString(),
				"oauth-callback", "app", java.util.Map.of());
		this.runner.withBean(CredentialStore.class, () -> keychain)
			.withPropertyValues("oauth-callback.store.file.path=" + file,
					"oauth-callback.store.encryption.key-source=keychain")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (failure != null && !(failure instanceof KeychainException)) {
					failure = failure.getCause();
				}
				assertThat(failure).isInstanceOf(KeychainException.class).hasMessageContaining("libsecret-tools");
				FailureAnalysis analysis = new OAuthCallbackFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Secret Service, service 'oauth-callback', account 'app'");
				assertThat(analysis.getAction()).contains("key-source=property");
			});
		assertThat(file).doesNotExist();
		assertThat(this.dir.resolve("t.json.lock")).doesNotExist();
	}
}

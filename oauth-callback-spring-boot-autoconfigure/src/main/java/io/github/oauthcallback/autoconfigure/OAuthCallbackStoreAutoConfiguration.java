package io.github.oauthcallback.autoconfigure;

import java.nio.file.Path;

import javax.sql.DataSource;

import io.github.oauthcallback.internal.store.EncryptionKeys;
import io.github.oauthcallback.internal.store.TokenFile;
import io.github.oauthcallback.internal.store.keychain.CredentialStore;
import io.github.oauthcallback.internal.store.keychain.Keychains;
import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.store.InMemoryTokenStore;
import io.github.oauthcallback.store.JdbcTokenStore;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.internal.store.TokenFileLocation;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.internal.store.TokenTableSchema;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.security.oauth2.client.autoconfigure.ConditionalOnOAuth2ClientRegistrationProperties;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWebApplication;
import org.springframework.context.annotation.Conditional;
import io.github.oauthcallback.internal.mcp.McpRegistrations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * The token store, chosen by {@code oauth-callback.store.type}. It runs before Spring Boot's OAuth2 client
 * auto-configuration, whose in-memory {@link OAuth2AuthorizedClientService} would otherwise win; a store the user
 * defines wins over both. It comes up when registrations are declared
 * ({@code spring.security.oauth2.client.registration.*}) or, in an application that is not a web application, MCP
 * servers may be authorized ({@link OAuthCallbackMcpRegistrationsAutoConfiguration}).
 */
@AutoConfiguration(before = OAuth2ClientAutoConfiguration.class,
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
				"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration" })
@Conditional(OAuthCallbackStoreAutoConfiguration.RegistrationsOrMcpServers.class)
@EnableConfigurationProperties(OAuthCallbackProperties.class)
public final class OAuthCallbackStoreAutoConfiguration {

	private static final String TYPE = "oauth-callback.store.type";

	private static final Log logger = LogFactory.getLog(OAuthCallbackStoreAutoConfiguration.class);

	/**
	 * The cipher of the file and JDBC stores. With {@code key-source=keychain} its key comes from the OS keychain
	 * (created there on first use, under a lock named after the item, and refused while the token file holds logins
	 * sealed with another key): reached here, when the store is created, never while
	 * the properties are bound.
	 */
	@Bean
	@ConditionalOnMissingBean
	TokenCipher oauthCallbackTokenCipher(OAuthCallbackProperties properties, Environment environment,
			ObjectProvider<CredentialStore> keychain) {
		OAuthCallbackProperties.Encryption encryption = properties.store().encryption();
		if (encryption.keySource() == OAuthCallbackProperties.KeySource.KEYCHAIN) {
			CredentialStore item = keychain.getIfAvailable(() -> keychain(properties, environment));
			TokenFile tokens = (properties.store().type() == OAuthCallbackProperties.StoreType.FILE)
					? new TokenFile(tokenFile(properties, environment), properties.store().lockTimeout()) : null;
			return EncryptionKeys.keychainCipher(item,
					Keychains.itemLock(item, Keychains.lockDirectory(), properties.store().lockTimeout()),
					encryption.previousKeys(), tokens);
		}
		return EncryptionKeys.cipher(encryption.key(), encryption.keyFile(), encryption.previousKeys());
	}

	/**
	 * The OS keychain item of {@code key-source=keychain}: a description of where to look, which reaches nothing.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = "oauth-callback.store.encryption.key-source", havingValue = "keychain")
	CredentialStore oauthCallbackKeychain(OAuthCallbackProperties properties, Environment environment) {
		return keychain(properties, environment);
	}

	private static CredentialStore keychain(OAuthCallbackProperties properties, Environment environment) {
		OAuthCallbackProperties.Keychain item = properties.store().encryption().keychain();
		String account = item.account();
		if (account == null) {
			String application = environment.getProperty("spring.application.name");
			account = (application != null && !application.isBlank()) ? application : "oauth-callback";
			try {
				Keychains.quotable(account, "account");
			}
			catch (IllegalArgumentException ex) {
				// The account is named after the application unless configured: say which property to change.
				throw new InvalidConfigurationPropertyValueException("spring.application.name", account,
						ex.getMessage() + " The OS keychain item's account is the application's name unless "
								+ "oauth-callback.store.encryption.keychain.account is set: set that property to a "
								+ "name that fits, or change spring.application.name.");
			}
		}
		return Keychains.forThisSystem(item.service(), account);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = TYPE, havingValue = "file", matchIfMissing = true)
	static class FileStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(OAuth2AuthorizedClientService.class)
		FileTokenStore oauthCallbackTokenStore(OAuthCallbackProperties properties, Environment environment,
				ClientRegistrationRepository registrations, ObjectProvider<McpRegistrations> mcp, TokenCipher cipher) {
			FileTokenStore store = new FileTokenStore(tokenFile(properties, environment),
					StarterClientRegistrations.of(registrations, mcp), cipher, properties.store().lockTimeout());
			if (encryptPlaintext(properties, cipher)) {
				reportEncrypted(store.encryptPlaintext(), store);
			}
			return store;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = TYPE, havingValue = "memory")
	static class MemoryStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(OAuth2AuthorizedClientService.class)
		InMemoryTokenStore oauthCallbackTokenStore() {
			return new InMemoryTokenStore();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = TYPE, havingValue = "jdbc")
	@ConditionalOnClass({ JdbcTemplate.class, DataSourceTransactionManager.class,
			org.springframework.boot.jdbc.DatabaseDriver.class })
	static class JdbcStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(OAuth2AuthorizedClientService.class)
		JdbcTokenStore oauthCallbackTokenStore(OAuthCallbackProperties properties,
				ObjectProvider<DataSource> dataSources, ClientRegistrationRepository registrations,
				ObjectProvider<McpRegistrations> mcp, TokenCipher cipher) {
			DataSource dataSource = dataSources.getIfUnique();
			if (dataSource == null) {
				throw new InvalidConfigurationPropertyValueException(TYPE, "jdbc", "It needs one DataSource: add "
						+ "spring-boot-starter-jdbc and a driver, and set spring.datasource.url (or define a single "
						+ "DataSource bean).");
			}
			OAuthCallbackProperties.Jdbc jdbc = properties.store().jdbc();
			TokenTableSchema.initialize(dataSource, jdbc.tableName(), jdbc.initializeSchema());
			JdbcTokenStore store = new JdbcTokenStore(new JdbcTemplate(dataSource),
					new DataSourceTransactionManager(dataSource), StarterClientRegistrations.of(registrations, mcp), cipher,
					jdbc.tableName(),
					() -> TokenTableSchema.describe(dataSource), jdbc.cacheTimeToLive(), properties.store().lockTimeout());
			if (encryptPlaintext(properties, cipher)) {
				reportEncrypted(store.encryptPlaintext(), store);
			}
			return store;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = TYPE, havingValue = "jdbc")
	@ConditionalOnMissingClass("org.springframework.jdbc.core.JdbcTemplate")
	static class JdbcStoreMissingConfiguration {

		@Bean
		@ConditionalOnMissingBean(OAuth2AuthorizedClientService.class)
		TokenStore oauthCallbackTokenStore() {
			throw new InvalidConfigurationPropertyValueException(TYPE, "jdbc", "It needs Spring JDBC on the "
					+ "classpath: add the spring-boot-starter-jdbc dependency and a JDBC driver.");
		}

	}


	/**
	 * Whether the one-time migration {@code oauth-callback.store.encryption.encrypt-plaintext} runs. While the
	 * property is set, every start warns that it trusts whatever unsealed logins the store holds. The properties
	 * refuse it without a key.
	 */
	static boolean encryptPlaintext(OAuthCallbackProperties properties, TokenCipher cipher) {
		if (!properties.store().encryption().encryptPlaintext()) {
			return false;
		}
		logger.warn("oauth-callback.store.encryption.encrypt-plaintext is set: at every start the token store seals "
				+ "and then uses the logins it holds as plaintext or in the enc:v1 form of an earlier version, so a "
				+ "plaintext login that someone plants in the store would be accepted at the next start. Remove the "
				+ "property once the stored logins are sealed.");
		return true;
	}

	private static void reportEncrypted(int count, TokenStore store) {
		logger.info("oauth-callback.store.encryption.encrypt-plaintext: sealed " + count + " stored login"
				+ ((count != 1) ? "s" : "") + " in " + store.location() + ". Remove the property: without it, a "
				+ "login that is not sealed is refused.");
	}

	/** The token file: {@code oauth-callback.store.file.path}, else the per-user default for the application. */
	static Path tokenFile(OAuthCallbackProperties properties, Environment environment) {
		Path path = properties.store().file().path();
		return (path != null) ? path
				: TokenFileLocation.defaultPath(environment.getProperty("spring.application.name"));
	}


	/**
	 * Registrations declared, or an application that is not a web application with MCP support on (the MCP Java SDK
	 * on the classpath): its MCP servers are its registrations. A web application without registrations gets no store,
	 * so Spring Boot's servlet OAuth2 client support (an {@code oauth2Login} chain once an
	 * {@link OAuth2AuthorizedClientService} exists) does not come up because of the starter.
	 */
	static final class RegistrationsOrMcpServers extends AnyNestedCondition {

		RegistrationsOrMcpServers() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnOAuth2ClientRegistrationProperties
		static final class Registrations {

		}

		@ConditionalOnBean(McpRegistrations.class)
		@ConditionalOnNotWebApplication
		static final class McpServersOutsideWebApplications {

		}

	}

}

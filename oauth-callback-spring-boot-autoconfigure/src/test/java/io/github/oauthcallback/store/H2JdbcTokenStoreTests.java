package io.github.oauthcallback.store;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.security.oauth2.client.JdbcOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

import static io.github.oauthcallback.store.StoreFixtures.account;
import static io.github.oauthcallback.store.StoreFixtures.client;
import static io.github.oauthcallback.store.StoreFixtures.registration;
import static org.assertj.core.api.Assertions.assertThat;

class H2JdbcTokenStoreTests extends JdbcTokenStoreContract {

	@Override
	HikariDataSource dataSource() {
		return TestDatabases.h2("tokens");
	}

	/**
	 * On the default table, Spring Security's {@link JdbcOAuth2AuthorizedClientService} and the store read each
	 * other's rows, with the same values (its own database: Spring's service only knows the default table name).
	 */
	@Test
	void rowsAreCompatibleWithSpringSecuritysJdbcService() {
		try (HikariDataSource own = TestDatabases.h2("spring-compatible-" + Long.toHexString(System.nanoTime()))) {
			assertThat(TokenTableSchema.initialize(own, JdbcTokenStore.DEFAULT_TABLE_NAME,
					DatabaseInitializationMode.ALWAYS)).isTrue();
			ClientRegistrationRepository registrations = StoreFixtures.registrations("github");
			JdbcOAuth2AuthorizedClientService spring = new JdbcOAuth2AuthorizedClientService(new JdbcTemplate(own),
					registrations);
			JdbcTokenStore store = new JdbcTokenStore(new JdbcTemplate(own), new DataSourceTransactionManager(own),
					registrations, TokenCipher.none(), JdbcTokenStore.DEFAULT_TABLE_NAME, () -> "h2", Duration.ZERO,
					Duration.ofSeconds(5));

			OAuth2AuthorizedClient bySpring = client(registration("github"), "ada", "from-spring", "refresh-spring");
			spring.saveAuthorizedClient(bySpring, account("ada"));
			assertSameLogin(store.loadAuthorizedClient("github", "ada"), bySpring);
			assertSameLogin(store.loadAuthorizedClient("github", "ada"), spring.loadAuthorizedClient("github", "ada"));

			OAuth2AuthorizedClient byStore = client(registration("github"), "bob", "from-store", "refresh-store");
			store.saveAuthorizedClient(byStore, account("bob"));
			assertSameLogin(spring.loadAuthorizedClient("github", "bob"), byStore);

			OAuth2AuthorizedClient updatedBySpring = client(registration("github"), "bob", "updated-by-spring", null);
			spring.saveAuthorizedClient(updatedBySpring, account("bob"));
			assertSameLogin(store.loadAuthorizedClient("github", "bob"), updatedBySpring);

			store.removeAuthorizedClient("github", "ada");
			assertThat((OAuth2AuthorizedClient) spring.loadAuthorizedClient("github", "ada")).isNull();
		}
	}

	private static void assertSameLogin(OAuth2AuthorizedClient actual, OAuth2AuthorizedClient expected) {
		assertThat(actual).isNotNull();
		assertThat(actual.getPrincipalName()).isEqualTo(expected.getPrincipalName());
		assertThat(actual.getAccessToken().getTokenType()).isEqualTo(expected.getAccessToken().getTokenType());
		assertThat(actual.getAccessToken().getTokenValue()).isEqualTo(expected.getAccessToken().getTokenValue());
		assertThat(actual.getAccessToken().getIssuedAt()).isEqualTo(expected.getAccessToken().getIssuedAt());
		assertThat(actual.getAccessToken().getExpiresAt()).isEqualTo(expected.getAccessToken().getExpiresAt());
		assertThat(actual.getAccessToken().getScopes()).isEqualTo(expected.getAccessToken().getScopes());
		if (expected.getRefreshToken() == null) {
			assertThat(actual.getRefreshToken()).isNull();
		}
		else {
			assertThat(actual.getRefreshToken().getTokenValue()).isEqualTo(expected.getRefreshToken().getTokenValue());
			assertThat(actual.getRefreshToken().getIssuedAt()).isEqualTo(expected.getRefreshToken().getIssuedAt());
		}
	}

}

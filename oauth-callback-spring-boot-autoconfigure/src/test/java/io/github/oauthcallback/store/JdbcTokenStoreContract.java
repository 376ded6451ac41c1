package io.github.oauthcallback.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.support.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.transaction.support.TransactionTemplate;

import static io.github.oauthcallback.store.StoreFixtures.account;
import static io.github.oauthcallback.store.StoreFixtures.client;
import static io.github.oauthcallback.store.StoreFixtures.registration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What every database must do with the JDBC token store. Each test uses its own table (which also exercises the
 * configurable table name).
 */
abstract class JdbcTokenStoreContract {

	private final ClientRegistrationRepository registrations = StoreFixtures.registrations("github", "corp");

	protected HikariDataSource dataSource;

	protected String table;

	abstract HikariDataSource dataSource();

	/**
	 * Whether two transactions that both find no row and both insert reach the duplicate key (PostgreSQL, H2).
	 * InnoDB instead serializes them with gap locks, so the retry path is not always taken there.
	 */
	boolean insertRaceSurfacesAsDuplicateKey() {
		return true;
	}

	@BeforeEach
	void createTable() {
		this.dataSource = dataSource();
		this.table = "tokens_" + Long.toHexString(System.nanoTime());
		assertThat(TokenTableSchema.initialize(this.dataSource, this.table, SchemaInitialization.ALWAYS)).isTrue();
		assertThat(TokenTableSchema.initialize(this.dataSource, this.table, SchemaInitialization.ALWAYS)).isFalse();
	}

	@AfterEach
	void dropTable() {
		if (this.dataSource == null) {
			// The database was unreachable outside CI: the test was skipped, and there is nothing to drop.
			return;
		}
		TestDatabases.drop(this.dataSource, this.table);
		this.dataSource.close();
	}

	JdbcTokenStore store(HikariDataSource dataSource, TokenCipher cipher, ClientRegistrationRepository registrations) {
		return new JdbcTokenStore(new JdbcTemplate(dataSource),
				new TransactionTemplate(new DataSourceTransactionManager(dataSource)), registrations, cipher, this.table,
				() -> TokenTableSchema.describe(dataSource));
	}

	JdbcTokenStore store(TokenCipher cipher) {
		return store(this.dataSource, cipher, this.registrations);
	}

	@Test
	void roundTripWithRefreshAndIdToken() {
		JdbcTokenStore store = store(TokenCipher.none());
		store.saveAuthorizedClient(StoreFixtures.oidcClient(registration("github"), "ada", "access-1"), account("ada"));
		OAuth2AuthorizedClient loaded = store.loadAuthorizedClient("github", "ada");
		assertThat(loaded.getAccessToken().getTokenValue()).isEqualTo("access-1");
		assertThat(loaded.getAccessToken().getScopes()).containsExactlyInAnyOrder("read", "openid");
		assertThat(loaded.getRefreshToken().getTokenValue()).isEqualTo("refresh-access-1");
		assertThat(loaded).isInstanceOfSatisfying(OidcAuthorizedClient.class,
				(oidc) -> assertThat(oidc.getIdToken().getEmail()).isEqualTo("ada@example.com"));
		store.saveAuthorizedClient(client(registration("github"), "ada", "access-2", null), account("ada"));
		OAuth2AuthorizedClient updated = store.loadAuthorizedClient("github", "ada");
		assertThat(updated.getAccessToken().getTokenValue()).isEqualTo("access-2");
		assertThat(updated).isNotInstanceOf(OidcAuthorizedClient.class);
		assertThat(store.location()).contains("table " + this.table).doesNotContain("password");
	}

	@Test
	void encryptedValuesAreCiphertextInTheTable() {
		TokenCipher cipher = TokenCipher.of(TokenCipherTests.key(), List.of());
		JdbcTokenStore store = store(cipher);
		store.saveAuthorizedClient(StoreFixtures.oidcClient(registration("github"), "ada", "secret-access"),
				account("ada"));
		List<String> raw = new JdbcTemplate(this.dataSource).query(
				"SELECT access_token_value, refresh_token_value, id_token_value FROM " + this.table,
				(resultSet, row) -> new String(resultSet.getBytes(1), StandardCharsets.UTF_8) + " "
						+ new String(resultSet.getBytes(2), StandardCharsets.UTF_8) + " "
						+ new String(resultSet.getBytes(3), StandardCharsets.UTF_8));
		assertThat(raw).singleElement().asString().doesNotContain("secret-access", "eyJ").contains("enc:v1:");
		OAuth2AuthorizedClient loaded = store.loadAuthorizedClient("github", "ada");
		assertThat(loaded.getAccessToken().getTokenValue()).isEqualTo("secret-access");
		assertThat(((OidcAuthorizedClient) loaded).getIdToken().getSubject()).isEqualTo("ada");

		JdbcTokenStore wrongKey = store(TokenCipher.of(TokenCipherTests.key(), List.of()));
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> wrongKey.loadAuthorizedClient("github", "ada"))
			.withMessageContaining("cannot be decrypted")
			.withMessageContaining(this.table);
		assertThat(((OAuth2AuthorizedClient) store.loadAuthorizedClient("github", "ada")).getAccessToken().getTokenValue())
			.isEqualTo("secret-access");
	}

	@Test
	void accountsLogoutAndLogoutAllLeaveOtherApplicationsAlone() {
		JdbcTokenStore store = store(TokenCipher.none());
		store.saveAuthorizedClient(client(registration("github"), "ada", "a", "r"), account("ada"));
		store.saveAuthorizedClient(client(registration("github"), "bob", "b", null), account("bob"));
		store.saveAuthorizedClient(client(registration("corp"), "ada", "c", null), account("ada"));
		JdbcTokenStore otherApp = store(this.dataSource, TokenCipher.none(), StoreFixtures.registrations("payroll"));
		otherApp.saveAuthorizedClient(client(registration("payroll"), "ada", "p", null), account("ada"));

		assertThat(store.logins()).hasSize(3).allSatisfy((login) -> assertThat(login.scopes()).contains("read"));
		assertThat(store.logins()).filteredOn((login) -> login.account().equals("ada") && login.registrationId().equals("github"))
			.singleElement()
			.satisfies((login) -> {
				assertThat(login.refreshable()).isTrue();
				assertThat(login.expiresAt()).isNotNull();
			});
		assertThat(store.logout("github", "bob")).isPresent();
		assertThat(store.logout("github", "bob")).isEmpty();
		assertThat(store.logoutAll()).extracting(StoredLogin::registrationId).containsExactlyInAnyOrder("github", "corp");
		assertThat(store.logins()).isEmpty();
		assertThat(otherApp.logins()).singleElement().extracting(StoredLogin::registrationId).isEqualTo("payroll");
	}

	@Test
	void tableWithoutTheIdTokenColumnStillWorks() {
		String plain = this.table + "_plain";
		String ddl = TokenTableSchema.ddl(TokenTableSchema.driver(this.dataSource), plain)
			.replace("  id_token_value " + ((TokenTableSchema.driver(this.dataSource) == DatabaseDriver.POSTGRESQL)
					? "bytea" : "blob") + " DEFAULT NULL,\n", "");
		new JdbcTemplate(this.dataSource).execute(ddl);
		try (CapturedLogs logs = new CapturedLogs()) {
			JdbcTokenStore store = new JdbcTokenStore(new JdbcTemplate(this.dataSource),
					new TransactionTemplate(new DataSourceTransactionManager(this.dataSource)), this.registrations,
					TokenCipher.none(), plain, () -> "test");
			store.saveAuthorizedClient(StoreFixtures.oidcClient(registration("github"), "ada", "a"), account("ada"));
			OAuth2AuthorizedClient loaded = store.loadAuthorizedClient("github", "ada");
			assertThat(loaded.getAccessToken().getTokenValue()).isEqualTo("a");
			assertThat(loaded).isNotInstanceOf(OidcAuthorizedClient.class);
			assertThat(logs.text()).contains("has no id_token_value column", "ALTER TABLE " + plain);
		}
		finally {
			TestDatabases.drop(this.dataSource, plain);
		}
	}

	@Test
	void twoDataSourcesSavingTheSameKeyConcurrentlyNeverFail() throws Exception {
		HikariDataSource second = dataSource();
		JdbcTokenStore[] stores = { store(TokenCipher.none()), store(second, TokenCipher.none(), this.registrations) };
		CyclicBarrier barrier = new CyclicBarrier(2);
		int rounds = 1000;
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try (CapturedLogs logs = new CapturedLogs()) {
			List<Future<Void>> results = new ArrayList<>();
			for (int node = 0; node < 2; node++) {
				int me = node;
				results.add(threads.submit(() -> {
					for (int round = 0; round < rounds; round++) {
						barrier.await(30, TimeUnit.SECONDS);
						stores[me].saveAuthorizedClient(client(registration("github"), "shared", "n" + me + "-" + round,
								null), account("shared"));
						barrier.await(30, TimeUnit.SECONDS);
						if (me == 0) {
							OAuth2AuthorizedClient stored = stores[0].loadAuthorizedClient("github", "shared");
							assertThat(stored.getAccessToken().getTokenValue()).isIn("n0-" + round, "n1-" + round);
							if (round % 2 == 0) {
								stores[0].removeAuthorizedClient("github", "shared");
							}
						}
					}
					return null;
				}));
			}
			for (Future<Void> result : results) {
				result.get(5, TimeUnit.MINUTES);
			}
			assertThat(stores[0].logins()).hasSize(1);
			assertThat(Set.of(stores[1].logins().get(0).account())).containsExactly("shared");
			if (insertRaceSurfacesAsDuplicateKey()) {
				assertThat(logs.text()).as("the insert race was exercised").contains("met a concurrent save");
			}
		}
		finally {
			threads.shutdownNow();
			second.close();
		}
	}

	JdbcTokenStore store(HikariDataSource dataSource, String table, Duration cacheTimeToLive, Duration lockTimeout) {
		return new JdbcTokenStore(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
				this.registrations, TokenCipher.none(), table, () -> TokenTableSchema.describe(dataSource),
				cacheTimeToLive, lockTimeout);
	}

	@Test
	void whatAFailedActionRemovedUnderTheLockStaysRemoved() {
		JdbcTokenStore store = store(TokenCipher.none());
		store.saveAuthorizedClient(client(registration("github"), "ada", "refused", "r"), account("ada"));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> store.exclusively("github", "ada", () -> {
			store.removeAuthorizedClient("github", "ada");
			throw new IllegalStateException("a new login is needed");
		}));
		assertThat((OAuth2AuthorizedClient) store(TokenCipher.none()).loadAuthorizedClient("github", "ada")).isNull();
	}

	@Test
	void aSaveUnderTheLockWorksOnATableWithoutTheIdTokenColumn() {
		String plain = this.table + "_legacy";
		DatabaseDriver driver = TokenTableSchema.driver(this.dataSource);
		new JdbcTemplate(this.dataSource).execute(TokenTableSchema.ddl(driver, plain)
			.replace("  id_token_value " + ((driver == DatabaseDriver.POSTGRESQL) ? "bytea" : "blob") + " DEFAULT NULL,\n",
					""));
		try (CapturedLogs logs = new CapturedLogs()) {
			JdbcTokenStore store = store(this.dataSource, plain, Duration.ZERO, Duration.ofSeconds(5));
			// The first use is under the lock, inside its transaction: the column probe must not abort it.
			store.exclusively("github", "ada", () -> {
				store.saveAuthorizedClient(StoreFixtures.oidcClient(registration("github"), "ada", "a"), account("ada"));
				return null;
			});
			assertThat(((OAuth2AuthorizedClient) store.loadAuthorizedClient("github", "ada")).getAccessToken()
				.getTokenValue()).isEqualTo("a");
			assertThat(logs.text()).contains("has no id_token_value column");
		}
		finally {
			TestDatabases.drop(this.dataSource, plain);
		}
	}

	@Test
	void aValidLoginIsServedFromTheCacheAndReadsUnderTheLockGoToTheDatabase() {
		JdbcTokenStore cached = store(this.dataSource, this.table, Duration.ofHours(1), Duration.ofSeconds(5));
		JdbcTokenStore otherNode = store(this.dataSource, this.table, Duration.ZERO, Duration.ofSeconds(5));
		cached.saveAuthorizedClient(client(registration("github"), "ada", "first", "r1"), account("ada"));
		assertThat(value(cached.loadAuthorizedClient("github", "ada"))).isEqualTo("first");
		otherNode.saveAuthorizedClient(client(registration("github"), "ada", "second", "r2"), account("ada"));
		assertThat(value(otherNode.loadAuthorizedClient("github", "ada"))).as("no cache").isEqualTo("second");
		assertThat(value(cached.loadAuthorizedClient("github", "ada"))).as("within the time-to-live").isEqualTo("first");
		OAuth2AuthorizedClient underLock = cached.exclusively("github", "ada",
				() -> cached.loadAuthorizedClient("github", "ada"));
		assertThat(value(underLock)).isEqualTo("second");
		assertThat(value(cached.loadAuthorizedClient("github", "ada"))).as("the lock dropped the cached copy")
			.isEqualTo("second");
		cached.saveAuthorizedClient(client(registration("github"), "ada", "third", "r3"), account("ada"));
		assertThat(value(cached.loadAuthorizedClient("github", "ada"))).as("own saves apply at once").isEqualTo("third");
		cached.removeAuthorizedClient("github", "ada");
		assertThat((OAuth2AuthorizedClient) cached.loadAuthorizedClient("github", "ada")).isNull();
	}

	private static String value(OAuth2AuthorizedClient client) {
		return client.getAccessToken().getTokenValue();
	}

	@Test
	void aRowLockHeldByAnotherNodeEndsInATypedErrorAfterTheLockTimeout() throws Exception {
		store(TokenCipher.none()).saveAuthorizedClient(client(registration("github"), "ada", "a", "r"), account("ada"));
		HikariDataSource otherNode = dataSource();
		try (java.sql.Connection holder = otherNode.getConnection()) {
			holder.setAutoCommit(false);
			try (var statement = holder.prepareStatement("SELECT principal_name FROM " + this.table
					+ " WHERE client_registration_id = 'github' AND principal_name = 'ada' FOR UPDATE")) {
				statement.executeQuery().close();
			}
			JdbcTokenStore waiting = store(this.dataSource, this.table, Duration.ZERO, Duration.ofSeconds(1));
			assertThatExceptionOfType(TokenStoreException.class)
				.isThrownBy(() -> waiting.exclusively("github", "ada", () -> "never"))
				.withMessageContaining("could not lock the login of 'github' for account 'ada'")
				.withMessageContaining("oauth-callback.store.lock-timeout");
			holder.rollback();
		}
		finally {
			otherNode.close();
		}
		assertThat(value(store(TokenCipher.none()).loadAuthorizedClient("github", "ada"))).isEqualTo("a");
	}

}

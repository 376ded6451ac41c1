package io.github.oauthcallback.store;

import io.github.oauthcallback.store.TokenStore.LockedLogin;
import io.github.oauthcallback.internal.store.PlaintextLoginException;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.internal.store.TokenTableSchema;
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
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.security.oauth2.client.JdbcOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
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
		assertThat(TokenTableSchema.initialize(this.dataSource, this.table, DatabaseInitializationMode.ALWAYS)).isTrue();
		assertThat(TokenTableSchema.initialize(this.dataSource, this.table, DatabaseInitializationMode.ALWAYS)).isFalse();
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
		assertThat(loaded).as("without a key the stored ID token is not presented as validated")
			.isNotInstanceOf(OidcAuthorizedClient.class);
		JdbcTokenStore keyed = store(TokenCipher.of(TokenCipherTests.key(), List.of()));
		keyed.saveAuthorizedClient(StoreFixtures.oidcClient(registration("github"), "ada", "access-1"), account("ada"));
		assertThat((OAuth2AuthorizedClient) keyed.loadAuthorizedClient("github", "ada")).isInstanceOfSatisfying(
				OidcAuthorizedClient.class,
				(oidc) -> assertThat(oidc.getIdToken().getEmail()).isEqualTo("ada@example.com"));
		store.removeAuthorizedClient("github", "ada");
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
		OidcAuthorizedClient saved = StoreFixtures.oidcClient(registration("github"), "ada", "secret-access");
		store.saveAuthorizedClient(saved, account("ada"));
		String idToken = saved.getIdToken().getTokenValue();
		List<String> raw = new JdbcTemplate(this.dataSource).query(
				"SELECT access_token_value, refresh_token_value, id_token_value FROM " + this.table,
				(resultSet, row) -> new String(resultSet.getBytes(1), StandardCharsets.UTF_8) + " "
						+ new String(resultSet.getBytes(2), StandardCharsets.UTF_8) + " " + resultSet.getBytes(3));
		assertThat(raw).singleElement()
			.asString()
			.doesNotContain("secret-access", "refresh-secret-access", StoreFixtures.ID_TOKEN_HEADER,
					idToken.split("\\.")[1])
			.startsWith("enc:v2:")
			.endsWith(" " + JdbcTokenStore.SEALED_REFRESH_TOKEN + " null");
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
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> store.exclusively("github", "ada", (locked) -> {
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
			store.exclusively("github", "ada", (locked) -> {
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
		OAuth2AuthorizedClient underLock = cached.exclusively("github", "ada", LockedLogin::load);
		assertThat(value(underLock)).isEqualTo("second");
		assertThat(value(cached.loadAuthorizedClient("github", "ada"))).as("the lock dropped the cached copy")
			.isEqualTo("second");
		cached.saveAuthorizedClient(client(registration("github"), "ada", "third", "r3"), account("ada"));
		assertThat(value(cached.loadAuthorizedClient("github", "ada"))).as("own saves apply at once").isEqualTo("third");
		cached.removeAuthorizedClient("github", "ada");
		assertThat((OAuth2AuthorizedClient) cached.loadAuthorizedClient("github", "ada")).isNull();
	}

	@Test
	void readsThroughTheLockedLoginNeverComeFromTheCache() {
		JdbcTokenStore cached = store(this.dataSource, this.table, Duration.ofHours(1), Duration.ofSeconds(5));
		cached.saveAuthorizedClient(client(registration("github"), "ada", "first", "r1"), account("ada"));
		String underLock = cached.exclusively("github", "ada", (locked) -> {
			// A plain read fills the cache; a change made in the lock's transaction (as another writer would) is not
			// seen by the cache, so only a read that goes to the database finds it.
			assertThat(value(cached.loadAuthorizedClient("github", "ada"))).isEqualTo("first");
			update("access_token_value = ?", "second".getBytes(StandardCharsets.UTF_8), "github", "ada");
			return value(locked.load());
		});
		assertThat(underLock).isEqualTo("second");
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
				.isThrownBy(() -> waiting.exclusively("github", "ada", (locked) -> "never"))
				.withMessageContaining("could not lock the login of 'github' for account 'ada'")
				.withMessageContaining("within the store's lock timeout (1 s")
				.withMessageNotContaining("oauth-callback.");
			holder.rollback();
		}
		finally {
			otherNode.close();
		}
		assertThat(value(store(TokenCipher.none()).loadAuthorizedClient("github", "ada"))).isEqualTo("a");
	}

	private Object column(String column, String registrationId, String account) {
		return new JdbcTemplate(this.dataSource).queryForObject("SELECT " + column + " FROM " + this.table
				+ " WHERE client_registration_id = ? AND principal_name = ?", (resultSet, row) -> {
					if (column.endsWith("_value")) {
						byte[] bytes = resultSet.getBytes(1);
						return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
					}
					return resultSet.getObject(1);
				}, registrationId, account);
	}

	private void update(String assignment, Object value, String registrationId, String account) {
		new JdbcTemplate(this.dataSource).update("UPDATE " + this.table + " SET " + assignment
				+ " WHERE client_registration_id = ? AND principal_name = ?", value, registrationId, account);
	}

	@Test
	void rowsRecordWhoIssuedThemAndARowOfAnotherClientOrProviderIsNeverUsed() {
		for (TokenCipher cipher : List.of(TokenCipher.none(), TokenCipher.of(TokenCipherTests.key(), List.of()))) {
			store(cipher).saveAuthorizedClient(client(registration("github"), "ada", "a", "old-refresh"),
					account("ada"));
			assertThat(column("issuer", "github", "ada")).isEqualTo("https://idp.example");
			assertThat(column("client_id", "github", "ada")).isEqualTo("cli-github");
			assertThat(column("token_uri", "github", "ada")).isEqualTo("https://idp.example/token");
			ClientRegistration otherClient = registration("github", "another-client", "https://idp.example");
			ClientRegistration otherProvider = registration("github", "cli-github", "https://elsewhere.example");
			try (CapturedLogs logs = new CapturedLogs()) {
				assertThat((OAuth2AuthorizedClient) store(this.dataSource, cipher,
						new InMemoryClientRegistrationRepository(otherClient)).loadAuthorizedClient("github", "ada"))
					.isNull();
				assertThat((OAuth2AuthorizedClient) store(this.dataSource, cipher,
						new InMemoryClientRegistrationRepository(otherProvider)).loadAuthorizedClient("github", "ada"))
					.isNull();
				assertThat(logs.text()).contains("registration 'github' and account 'ada' was issued to client-id "
						+ "cli-github (the registration now has another-client)",
						"was issued to issuer https://idp.example (the registration now has https://elsewhere.example)")
					.doesNotContain("old-refresh");
			}
			JdbcTokenStore moved = store(this.dataSource, cipher, new InMemoryClientRegistrationRepository(otherClient));
			moved.saveAuthorizedClient(client(otherClient, "ada", "b", null), account("ada"));
			assertThat(value(moved.loadAuthorizedClient("github", "ada"))).as("a new login replaces it").isEqualTo("b");
			assertThat(column("client_id", "github", "ada")).isEqualTo("another-client");
			moved.removeAuthorizedClient("github", "ada");
		}
	}

	@Test
	void aPlaintextRowIsRefusedWithAKeyUntilTheMigrationEncryptsIt() {
		store(TokenCipher.none()).saveAuthorizedClient(client(registration("github"), "ada", "plain-a", "plain-r"),
				account("ada"));
		store(TokenCipher.none()).saveAuthorizedClient(StoreFixtures.oidcClient(registration("corp"), "bob", "plain-b"),
				account("bob"));
		TokenCipher cipher = TokenCipher.of(TokenCipherTests.key(), List.of());
		assertThatExceptionOfType(PlaintextLoginException.class)
			.isThrownBy(() -> store(cipher).loadAuthorizedClient("github", "ada"))
			.withMessageContaining("table " + this.table)
			.withMessageContaining("start once with the encrypt-plaintext migration turned on")
				.withMessageNotContaining("oauth-callback.")
			.withMessageNotContaining("plain-a");
		assertThat(column("access_token_value", "github", "ada")).isEqualTo("plain-a");
		assertThat(store(cipher).encryptPlaintext()).isEqualTo(2);
		assertThat(column("access_token_value", "github", "ada")).asString().startsWith("enc:v2:");
		assertThat(column("id_token_value", "corp", "bob")).isNull();
		OAuth2AuthorizedClient ada = store(cipher).loadAuthorizedClient("github", "ada");
		assertThat(value(ada)).isEqualTo("plain-a");
		assertThat(ada.getRefreshToken().getTokenValue()).isEqualTo("plain-r");
		OAuth2AuthorizedClient bob = store(cipher).loadAuthorizedClient("corp", "bob");
		assertThat(value(bob)).isEqualTo("plain-b");
		assertThat(bob).as("a plaintext ID token could have been planted: never presented as validated")
			.isNotInstanceOf(OidcAuthorizedClient.class);
		assertThat(store(cipher).encryptPlaintext()).isZero();
	}

	@Test
	void theMigrationLeavesARowThatDoesNotDecryptLogsItAndSealsTheOthers() {
		TokenCipher cipher = TokenCipher.of(TokenCipherTests.key(), List.of());
		TokenCipher otherKey = TokenCipher.of(TokenCipherTests.key(), List.of());
		store(TokenCipher.none()).saveAuthorizedClient(client(registration("github"), "ada", "x", null), account("ada"));
		store(TokenCipher.none()).saveAuthorizedClient(client(registration("corp"), "bob", "plain-b", null),
				account("bob"));
		store(TokenCipher.none()).saveAuthorizedClient(client(registration("github"), "cy", "plain-c", null),
				account("cy"));
		update("access_token_value = ?", otherKey.sealV1("a-access", TokenCipher.v1Context("github", "ada",
				"access_token")).getBytes(StandardCharsets.UTF_8), "github", "ada");
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(store(cipher).encryptPlaintext()).isEqualTo(2);
			assertThat(logs.text()).contains("left the login for registration 'github' and account 'ada'",
					"cannot be decrypted", "sealed the login for registration 'corp' and account 'bob'",
					"sealed the login for registration 'github' and account 'cy'")
				.doesNotContain("a-access", "plain-b", "plain-c");
		}
		assertThat(value(store(cipher).loadAuthorizedClient("corp", "bob"))).isEqualTo("plain-b");
		assertThat(value(store(cipher).loadAuthorizedClient("github", "cy"))).isEqualTo("plain-c");
		assertThat(column("access_token_value", "github", "ada")).asString().startsWith("enc:v1:");
	}

	@Test
	void swappedOrEditedSealedRowsAreDetectedAndEditedExpiryIsNeverUsed() {
		TokenCipher cipher = TokenCipher.of(TokenCipherTests.key(), List.of());
		JdbcTokenStore store = store(this.dataSource, this.table, Duration.ZERO, Duration.ofSeconds(5), cipher);
		store.saveAuthorizedClient(client(registration("github"), "ada", "ada-access", "ada-refresh"), account("ada"));
		store.saveAuthorizedClient(client(registration("github"), "bob", "bob-access", null), account("bob"));
		Object adaSealed = column("access_token_value", "github", "ada");
		update("access_token_value = ?", ((String) column("access_token_value", "github", "bob"))
			.getBytes(StandardCharsets.UTF_8), "github", "ada");
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> store.loadAuthorizedClient("github", "ada"))
			.withMessageContaining("cannot be decrypted")
			.withMessageContaining("belongs to another entry");
		update("access_token_value = ?", ((String) adaSealed).getBytes(StandardCharsets.UTF_8), "github", "ada");
		assertThat(value(store.loadAuthorizedClient("github", "ada"))).isEqualTo("ada-access");

		update("access_token_scopes = ?", "read,openid,admin", "github", "ada");
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> store.loadAuthorizedClient("github", "ada"))
			.withMessageContaining("whose scopes was changed outside oauth-callback");
		update("access_token_scopes = ?", "read,openid", "github", "ada");
		update("client_id = ?", "another-client", "github", "ada");
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> store.loadAuthorizedClient("github", "ada"))
			.withMessageContaining("whose client id was changed");
		update("client_id = ?", "cli-github", "github", "ada");
		update("refresh_token_value = ?", "planted".getBytes(StandardCharsets.UTF_8), "github", "ada");
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> store.loadAuthorizedClient("github", "ada"))
			.withMessageContaining("found outside the sealed copy");
		update("refresh_token_value = ?", JdbcTokenStore.SEALED_REFRESH_TOKEN.getBytes(StandardCharsets.UTF_8), "github",
				"ada");

		java.time.Instant sealedExpiry = ((OAuth2AuthorizedClient) store.loadAuthorizedClient("github", "ada"))
			.getAccessToken()
			.getExpiresAt();
		update("access_token_expires_at = ?", java.sql.Timestamp.from(sealedExpiry.plus(Duration.ofDays(3650))), "github",
				"ada");
		assertThat(((OAuth2AuthorizedClient) store.loadAuthorizedClient("github", "ada")).getAccessToken().getExpiresAt())
			.as("the sealed expiry, not the edited column")
			.isEqualTo(sealedExpiry);
	}

	/** Makes github/ada a row as an earlier version wrote it with a key: enc:v1 values, no issuer recorded. */
	private void encV1Row(TokenCipher cipher) {
		store(TokenCipher.none()).saveAuthorizedClient(StoreFixtures.oidcClient(registration("github"), "ada", "x"),
				account("ada"));
		String idToken = (String) column("id_token_value", "github", "ada");
		update("access_token_value = ?", cipher.sealV1("a-access", TokenCipher.v1Context("github", "ada",
				"access_token")).getBytes(StandardCharsets.UTF_8), "github", "ada");
		update("refresh_token_value = ?", cipher.sealV1("a-refresh", TokenCipher.v1Context("github", "ada",
				"refresh_token")).getBytes(StandardCharsets.UTF_8), "github", "ada");
		update("id_token_value = ?", cipher.sealV1(idToken, TokenCipher.v1Context("github", "ada", "id_token"))
			.getBytes(StandardCharsets.UTF_8), "github", "ada");
		new JdbcTemplate(this.dataSource)
			.update("UPDATE " + this.table + " SET issuer = NULL, client_id = NULL, token_uri = NULL");
	}

	@Test
	void anEncV1RowOfAnEarlierVersionIsRefusedWhateverRegistrationReadsIt() {
		TokenCipher cipher = TokenCipher.of(TokenCipherTests.key(), List.of());
		encV1Row(cipher);
		update("access_token_scopes = ?", "read,openid,admin", "github", "ada");
		ClientRegistration providerB = registration("github", "b-client", "https://b.example");
		for (ClientRegistrationRepository repository : List.of(this.registrations,
				new InMemoryClientRegistrationRepository(providerB))) {
			JdbcTokenStore store = store(this.dataSource, cipher, repository);
			assertThatExceptionOfType(PlaintextLoginException.class)
				.isThrownBy(() -> store.loadAuthorizedClient("github", "ada"))
				.withMessageContaining("table " + this.table)
				.withMessageContaining("encrypted by an earlier version of oauth-callback (enc:v1)")
				.withMessageContaining("start once with the encrypt-plaintext migration turned on")
				.withMessageNotContaining("oauth-callback.")
				.withMessageNotContaining("a-refresh");
			store.saveAuthorizedClient(client(repository.findByRegistrationId("corp") != null
					? registration("corp") : providerB, "bob", "other", null), account("bob"));
			assertThat(column("access_token_value", "github", "ada")).as("another save leaves it as it was")
				.asString()
				.startsWith("enc:v1:");
		}
	}

	@Test
	void theMigrationSealsAnEncV1RowWithoutItsIdTokenAndRecordsTheRegistration() {
		TokenCipher cipher = TokenCipher.of(TokenCipherTests.key(), List.of());
		encV1Row(cipher);
		JdbcTokenStore store = store(cipher);
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(store.encryptPlaintext()).isEqualTo(1);
			assertThat(logs.text()).contains("sealed the login for registration 'github' and account 'ada'",
					"in the enc:v1 form of an earlier version", "its ID token was dropped")
				.doesNotContain("a-access", "a-refresh", "eyJ");
		}
		assertThat(column("access_token_value", "github", "ada")).asString().startsWith("enc:v2:");
		assertThat(column("id_token_value", "github", "ada")).isNull();
		assertThat(column("client_id", "github", "ada")).as("recorded when sealed").isEqualTo("cli-github");
		OAuth2AuthorizedClient loaded = store.loadAuthorizedClient("github", "ada");
		assertThat(value(loaded)).isEqualTo("a-access");
		assertThat(loaded.getRefreshToken().getTokenValue()).isEqualTo("a-refresh");
		assertThat(loaded).isNotInstanceOf(OidcAuthorizedClient.class);
	}

	@Test
	void aTableMadeWithSpringSecuritysSchemaIsUpgradedAndItsRowsStayReadable() {
		String legacy = this.table + "_spring";
		DatabaseDriver driver = TokenTableSchema.driver(this.dataSource);
		String blob = (driver == DatabaseDriver.POSTGRESQL) ? "bytea" : "blob";
		String ddl = TokenTableSchema.ddl(driver, legacy)
			.replace("  id_token_value " + blob + " DEFAULT NULL,\n", "")
			.replace("  issuer varchar(1000) DEFAULT NULL,\n", "")
			.replace("  client_id varchar(255) DEFAULT NULL,\n", "")
			.replace("  token_uri varchar(1000) DEFAULT NULL,\n", "");
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		jdbc.execute(ddl);
		try {
			assertThat(TokenTableSchema.columns(jdbc, legacy)).doesNotContain("issuer", "id_token_value");
			jdbc.update("INSERT INTO " + legacy + " (client_registration_id, principal_name, access_token_type, "
					+ "access_token_value, access_token_issued_at, access_token_expires_at, access_token_scopes) "
					+ "VALUES ('github', 'ada', 'Bearer', ?, ?, ?, 'read')", "legacy-access".getBytes(StandardCharsets.UTF_8),
					java.sql.Timestamp.from(java.time.Instant.now()),
					java.sql.Timestamp.from(java.time.Instant.now().plusSeconds(3600)));
			assertThat(TokenTableSchema.initialize(this.dataSource, legacy, DatabaseInitializationMode.ALWAYS)).isFalse();
			assertThat(TokenTableSchema.columns(jdbc, legacy)).contains("issuer", "client_id", "token_uri",
					"id_token_value");
			assertThat(TokenTableSchema.initialize(this.dataSource, legacy, DatabaseInitializationMode.ALWAYS)).isFalse();
			JdbcTokenStore store = store(this.dataSource, legacy, Duration.ZERO, Duration.ofSeconds(5),
					TokenCipher.none());
			assertThat(value(store.loadAuthorizedClient("github", "ada"))).as("a row without issuer is trusted once")
				.isEqualTo("legacy-access");
			store.saveAuthorizedClient(client(registration("github"), "ada", "new-access", null), account("ada"));
			assertThat(jdbc.queryForObject("SELECT client_id FROM " + legacy, String.class)).isEqualTo("cli-github");
		}
		finally {
			TestDatabases.drop(this.dataSource, legacy);
		}
	}

	@Test
	void theShippedSchemaScriptCreatesATableTheStoreAccepts() throws Exception {
		String scripted = this.table + "_script";
		runScript(TokenTableSchema.schemaScript(TokenTableSchema.driver(this.dataSource)), scripted);
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(TokenTableSchema.columns(jdbc, scripted)).contains("id_token_value", "issuer", "client_id",
					"token_uri");
			JdbcTokenStore store = store(this.dataSource, scripted, Duration.ZERO, Duration.ofSeconds(5),
					TokenCipher.none());
			store.saveAuthorizedClient(StoreFixtures.oidcClient(registration("github"), "ada", "scripted"),
					account("ada"));
			assertThat(value(store.loadAuthorizedClient("github", "ada"))).isEqualTo("scripted");
			assertThat(jdbc.queryForObject("SELECT client_id FROM " + scripted, String.class)).isEqualTo("cli-github");
			assertThat(jdbc.queryForObject("SELECT count(*) FROM " + scripted + " WHERE id_token_value IS NOT NULL",
					Integer.class)).isEqualTo(1);
			assertThat(logs.text()).doesNotContain("has no");
		}
		finally {
			TestDatabases.drop(this.dataSource, scripted);
		}
	}

	@Test
	void springSecuritysOwnSchemaUpgradedWithTheShippedScriptIsAcceptedAndKeepsItsRows() throws Exception {
		String spring = this.table + "_sss";
		DatabaseDriver driver = TokenTableSchema.driver(this.dataSource);
		runScript("org/springframework/security/oauth2/client/oauth2-client-schema"
				+ ((driver == DatabaseDriver.POSTGRESQL) ? "-postgres" : "") + ".sql", spring);
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		try (CapturedLogs logs = new CapturedLogs()) {
			jdbc.update("INSERT INTO " + spring + " (client_registration_id, principal_name, access_token_type, "
					+ "access_token_value, access_token_issued_at, access_token_expires_at, access_token_scopes) "
					+ "VALUES ('github', 'ada', 'Bearer', ?, ?, ?, 'read')", "spring-access".getBytes(StandardCharsets.UTF_8),
					java.sql.Timestamp.from(java.time.Instant.now()),
					java.sql.Timestamp.from(java.time.Instant.now().plusSeconds(3600)));
			runScript(TokenTableSchema.upgradeScript(driver), spring);
			assertThat(TokenTableSchema.columns(jdbc, spring)).contains("id_token_value", "issuer", "client_id",
					"token_uri");
			JdbcTokenStore store = store(this.dataSource, spring, Duration.ZERO, Duration.ofSeconds(5),
					TokenCipher.none());
			assertThat(value(store.loadAuthorizedClient("github", "ada"))).isEqualTo("spring-access");
			store.saveAuthorizedClient(client(registration("github"), "ada", "new-access", null), account("ada"));
			assertThat(jdbc.queryForObject("SELECT client_id FROM " + spring, String.class)).isEqualTo("cli-github");
			assertThat(logs.text()).doesNotContain("has no");
		}
		finally {
			TestDatabases.drop(this.dataSource, spring);
		}
	}

	/** Runs a script with Spring's script runner, as a user would, after renaming the table in its text. */
	private void runScript(String location, String table) throws java.io.IOException {
		String script = new org.springframework.core.io.ClassPathResource(location)
			.getContentAsString(StandardCharsets.UTF_8)
			.replace(JdbcTokenStore.DEFAULT_TABLE_NAME, table);
		new org.springframework.jdbc.datasource.init.ResourceDatabasePopulator(
				new org.springframework.core.io.ByteArrayResource(script.getBytes(StandardCharsets.UTF_8)))
			.execute(this.dataSource);
	}

	JdbcTokenStore store(HikariDataSource dataSource, String table, Duration cacheTimeToLive, Duration lockTimeout,
			TokenCipher cipher) {
		return new JdbcTokenStore(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
				this.registrations, cipher, table, () -> TokenTableSchema.describe(dataSource), cacheTimeToLive,
				lockTimeout);
	}

	/**
	 * @param name a fresh name
	 * @return a data source on an empty database or schema of its own, and what removes it
	 */
	abstract Isolated isolated(String name);

	record Isolated(HikariDataSource dataSource, Runnable drop) {

	}

	/**
	 * @param kind {@code SCHEMA} or {@code DATABASE}
	 * @param name its name
	 * @param dataSource opens a data source on it
	 * @param dropOptions what follows {@code DROP <kind> <name>}
	 * @return it, created on the server of {@link #dataSource()}
	 */
	Isolated created(String kind, String name, java.util.function.Function<String, HikariDataSource> dataSource,
			String dropOptions) {
		JdbcTemplate shared = new JdbcTemplate(this.dataSource);
		shared.execute("CREATE " + kind + " " + name);
		HikariDataSource own = dataSource.apply(name);
		return new Isolated(own, () -> {
			own.close();
			shared.execute("DROP " + kind + " " + name + dropOptions);
		});
	}

	/**
	 * On the default table, Spring Security's {@link JdbcOAuth2AuthorizedClientService} and the store read each
	 * other's rows, with the same values (in a schema of its own: Spring's service only knows the default table name).
	 */
	@Test
	void rowsAreCompatibleWithSpringSecuritysJdbcService() {
		Isolated isolated = isolated("compat_" + Long.toHexString(System.nanoTime()));
		try {
			HikariDataSource own = isolated.dataSource();
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
		finally {
			isolated.drop().run();
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

package io.github.oauthcallback.internal.mcp.registration;

import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.zaxxer.hikari.HikariDataSource;
import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.internal.mcp.AuthorizationServerMetadata;
import io.github.oauthcallback.internal.mcp.registration.McpClient.Source;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.internal.store.TokenTableSchema;
import io.github.oauthcallback.store.TestDatabases;
import io.github.oauthcallback.support.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import static io.github.oauthcallback.internal.mcp.registration.RegistrationFixtures.SECRET;
import static io.github.oauthcallback.internal.mcp.registration.RegistrationFixtures.confidential;
import static io.github.oauthcallback.internal.mcp.registration.RegistrationFixtures.publicClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What every database must do with the table of registered MCP clients. Each test uses its own table (which also
 * exercises the configurable table name), created by the shipped script of its database.
 */
abstract class JdbcRegisteredClientsContract {

	static final String ISSUER = "https://as.example.com";

	protected HikariDataSource dataSource;

	protected String table;

	abstract HikariDataSource dataSource();

	/** Whether the database is embedded (created in {@code EMBEDDED} mode). */
	abstract boolean embedded();

	@BeforeEach
	void createTable() {
		this.dataSource = dataSource();
		this.table = "mcp_clients_" + Long.toHexString(System.nanoTime());
		assertThat(McpClientTableSchema.initialize(this.dataSource, this.table, DatabaseInitializationMode.ALWAYS))
			.isTrue();
		assertThat(McpClientTableSchema.initialize(this.dataSource, this.table, DatabaseInitializationMode.ALWAYS))
			.isFalse();
	}

	@AfterEach
	void dropTable() {
		if (this.dataSource == null) {
			return;
		}
		TestDatabases.drop(this.dataSource, this.table);
		this.dataSource.close();
	}

	@Test
	void theTableIsCreatedInTheModesOfTheTokenTable() {
		String other = this.table + "_m";
		try {
			assertThat(McpClientTableSchema.initialize(this.dataSource, other, DatabaseInitializationMode.NEVER))
				.isFalse();
			assertThat(McpClientTableSchema.initialize(this.dataSource, other, DatabaseInitializationMode.EMBEDDED))
				.isEqualTo(embedded());
			assertThat(TokenTableSchema.columns(new JdbcTemplate(this.dataSource), this.table)).containsExactly(
					"registration_id", "issuer", "client_id", "client_authentication_method", "source",
					"client_secret", "client_secret_expires_at", "sealed", "created_at");
		}
		finally {
			TestDatabases.drop(this.dataSource, other);
		}
	}

	@Test
	void withoutKeyItKeepsFindsReplacesAndRemoves() {
		roundTrip(store(TokenCipher.none()));
	}

	@Test
	void withKeyItKeepsFindsReplacesAndRemoves() {
		roundTrip(store(cipher()));
	}

	@Test
	void withKeyNoColumnHoldsTheSecret() {
		JdbcRegisteredClients clients = store(cipher());
		McpClient client = confidential(ISSUER);
		clients.save("server-a", client);
		Map<String, Object> row = new JdbcTemplate(this.dataSource)
			.queryForMap("SELECT * FROM " + this.table + " WHERE registration_id = ?", "server-a");
		assertThat(row.values()).allSatisfy((value) -> assertThat(String.valueOf(value)).doesNotContain(SECRET));
		assertThat(row.get(column(row, "client_secret"))).isNull();
		assertThat(String.valueOf(row.get(column(row, "sealed")))).startsWith("enc:v2:");
		assertThat(clients.find("server-a")).contains(client);
	}

	@Test
	void aSealedRowMovedToAnotherServerOrEditedIsNotUsed() {
		TokenCipher cipher = cipher();
		JdbcRegisteredClients clients = store(cipher);
		clients.save("server-a", confidential(ISSUER));
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		jdbc.update("UPDATE " + this.table + " SET registration_id = 'server-b' WHERE registration_id = 'server-a'");
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(clients.find("server-b")).isEmpty();
			assertThat(logs.text()).contains("cannot be decrypted").doesNotContain(SECRET);
		}
		clients.save("server-c", publicClient(ISSUER));
		jdbc.update("UPDATE " + this.table + " SET sealed = NULL, client_id = 'planted' WHERE registration_id = 'server-c'");
		assertThat(clients.find("server-c")).isEmpty();
	}

	@Test
	void aMissingTableIsAClearError() {
		JdbcRegisteredClients clients = new JdbcRegisteredClients(new JdbcTemplate(this.dataSource),
				TokenCipher.none(), this.table + "_missing", () -> "the test database");
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> clients.find("server-a"))
			.withMessageContaining("The table of registered MCP clients " + this.table + "_missing in the test "
					+ "database cannot be read")
			.withMessageContaining("mcp-client-schema.sql");
	}

	/**
	 * Two nodes registering at once over one table: both register (no lock spans the HTTP request), one insert wins,
	 * and the loser re-reads and uses the winner's client.
	 */
	@Test
	void twoNodesRegisteringAtOnceKeepOneRegistrationAndBothUseIt() throws Exception {
		WireMockServer authorizationServer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		authorizationServer.start();
		try {
			RegistrationFixtures.answerDistinctRegistrationsSlowly(authorizationServer);
			AuthorizationServerMetadata metadata = RegistrationFixtures.metadata(authorizationServer,
					List.of("client_secret_basic"));
			TokenCipher cipher = cipher();
			CyclicBarrier start = new CyclicBarrier(2);
			ExecutorService pool = Executors.newFixedThreadPool(2);
			List<Future<McpClient>> results = new ArrayList<>();
			try {
				for (int node = 0; node < 2; node++) {
					McpClientIdentities identities = new McpClientIdentities(store(cipher),
							RegistrationFixtures.registration());
					results.add(pool.submit(() -> {
						start.await();
						return identities.identify(RegistrationFixtures.SERVER, "server-a", metadata,
								ClientIdentityOptions.none(), List.of());
					}));
				}
				McpClient one = results.get(0).get();
				McpClient other = results.get(1).get();
				assertThat(one).isEqualTo(other);
				assertThat(store(cipher).find("server-a")).contains(one);
			}
			finally {
				pool.shutdownNow();
			}
		}
		finally {
			authorizationServer.stop();
		}
	}

	@Test
	void aCompareAndSetSaveKeepsAnotherNodesNewerClientAndReplacesTheOneItRead() {
		JdbcRegisteredClients clients = store(cipher());
		McpClient stale = confidential("https://old.example.com");
		McpClient mine = publicClient(ISSUER);
		assertThat(clients.saveUnlessChanged("server-a", null, stale)).isEqualTo(stale);
		McpClient newer = confidential(ISSUER);
		assertThat(clients.saveUnlessChanged("server-a", stale, newer)).isEqualTo(newer);
		assertThat(clients.saveUnlessChanged("server-a", stale, mine)).isEqualTo(newer);
		assertThat(clients.find("server-a")).contains(newer);
		assertThat(clients.saveUnlessChanged("server-a", null, mine)).isEqualTo(newer);
	}

	@Test
	void aClientTooLongForTheColumnsSaysSoNotThatTheTableIsMissing() {
		JdbcRegisteredClients clients = store(cipher());
		McpClient client = new McpClient("c", SECRET + "x".repeat(3000), ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
				URI.create(ISSUER), Source.DYNAMIC_REGISTRATION, null);
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> clients.save("server-a", client))
			.withMessageContaining("its sealed client is")
			.withMessageContaining("its column holds 4000")
			.withMessageNotContaining("Check that it exists")
			.withMessageNotContaining(SECRET);
		assertThat(clients.find("server-a")).isEmpty();
	}

	private void roundTrip(JdbcRegisteredClients clients) {
		assertThat(clients.find("server-a")).isEmpty();
		McpClient confidential = confidential(ISSUER);
		McpClient publicOne = publicClient("https://other.example.com");
		clients.save("server-a", confidential);
		clients.save("server-b", publicOne);
		assertThat(clients.find("server-a")).contains(confidential);
		assertThat(clients.find("server-b")).contains(publicOne);
		McpClient replacement = publicClient(ISSUER);
		clients.save("server-a", replacement);
		assertThat(clients.find("server-a")).contains(replacement);
		clients.remove("server-a");
		clients.remove("never-stored");
		assertThat(clients.find("server-a")).isEmpty();
		assertThat(clients.find("server-b")).contains(publicOne);
		assertThat(clients.location()).contains(this.table);
	}

	JdbcRegisteredClients store(TokenCipher cipher) {
		return new JdbcRegisteredClients(new JdbcTemplate(this.dataSource), cipher, this.table,
				() -> TokenTableSchema.describe(this.dataSource));
	}

	/** The key of a column in a row map, whatever case the database gives it. */
	private static String column(Map<String, Object> row, String name) {
		return row.keySet().stream().filter(name::equalsIgnoreCase).findFirst().orElseThrow();
	}

	private static TokenCipher cipher() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return TokenCipher.of(key, List.of());
	}

}

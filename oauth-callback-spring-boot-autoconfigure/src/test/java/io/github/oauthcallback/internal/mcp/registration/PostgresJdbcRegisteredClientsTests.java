package io.github.oauthcallback.internal.mcp.registration;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.zaxxer.hikari.HikariDataSource;
import io.github.oauthcallback.internal.mcp.registration.McpClient.Source;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.store.TestDatabases;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.transaction.support.TransactionTemplate;

import static io.github.oauthcallback.internal.mcp.registration.RegistrationFixtures.publicClient;
import static org.assertj.core.api.Assertions.assertThat;

/** Against the PostgreSQL server at 127.0.0.1:5432; under {@code CI=true} an unreachable server fails. */
class PostgresJdbcRegisteredClientsTests extends JdbcRegisteredClientsContract {

	@Override
	HikariDataSource dataSource() {
		return TestDatabases.postgres();
	}

	@Override
	boolean embedded() {
		return false;
	}

	/**
	 * The duplicate-key path inside a transaction the application has open: another node's insert, not yet committed
	 * when this one reads, makes this one's insert fail with a duplicate key once it commits. The failed insert must
	 * be undone alone (a savepoint) or PostgreSQL aborts the application's transaction, and the retry then finds and
	 * returns the other node's client. Both saves are checked.
	 */
	@Test
	void aDuplicateKeyInsideTheApplicationsTransactionIsUndoneAloneAndTheOtherNodesClientIsUsed() throws Exception {
		McpClient winner = new McpClient("winner", null, ClientAuthenticationMethod.NONE, URI.create(ISSUER),
				Source.DYNAMIC_REGISTRATION, null);
		JdbcRegisteredClients clients = store(TokenCipher.none());
		McpClient loser = publicClient(ISSUER);
		assertThat(raceAnUncommittedInsert("server-a", winner,
				() -> clients.saveUnlessChanged("server-a", null, loser))).isEqualTo(winner);
		assertThat(clients.find("server-a")).contains(winner);
		raceAnUncommittedInsert("server-b", winner, () -> {
			clients.save("server-b", loser);
			return loser;
		});
		assertThat(clients.find("server-b")).contains(loser);
	}

	/**
	 * Runs the write in a transaction of the application's while another connection holds an uncommitted insert of
	 * the same row, commits that insert once the write waits for it, and checks that the application's transaction
	 * can still run a statement and commit.
	 */
	private McpClient raceAnUncommittedInsert(String registrationId, McpClient other,
			java.util.concurrent.Callable<McpClient> write) throws Exception {
		TransactionTemplate application = new TransactionTemplate(new JdbcTransactionManager(this.dataSource));
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try (Connection otherNode = this.dataSource.getConnection()) {
			otherNode.setAutoCommit(false);
			try (PreparedStatement insert = otherNode.prepareStatement("INSERT INTO " + this.table
					+ " (registration_id, issuer, client_id, client_authentication_method, source) VALUES (?, ?, ?, ?, ?)")) {
				insert.setString(1, registrationId);
				insert.setString(2, other.issuer().toString());
				insert.setString(3, other.clientId());
				insert.setString(4, other.method().getValue());
				insert.setString(5, other.source().name());
				insert.executeUpdate();
			}
			Future<McpClient> result = pool.submit(() -> application.execute((status) -> {
				McpClient saved;
				try {
					saved = write.call();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
				// the application's transaction must still work
				assertThat(jdbc.queryForObject("SELECT count(*) FROM " + this.table + " WHERE registration_id = ?",
						Integer.class, registrationId)).isEqualTo(1);
				return saved;
			}));
			awaitWaitingInsert();
			otherNode.commit();
			return result.get();
		}
		finally {
			pool.shutdownNow();
		}
	}

	/** Until a statement on the table waits for a lock (the other node's uncommitted row). */
	private void awaitWaitingInsert() throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		try (Connection watcher = this.dataSource.getConnection(); Statement statement = watcher.createStatement()) {
			while (System.nanoTime() < deadline) {
				try (var rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
						+ "'Lock' AND query LIKE 'INSERT INTO " + this.table + "%'")) {
					rows.next();
					if (rows.getInt(1) > 0) {
						return;
					}
				}
				Thread.sleep(10);
			}
		}
		throw new AssertionError("The write never waited for the other node's insert");
	}

}

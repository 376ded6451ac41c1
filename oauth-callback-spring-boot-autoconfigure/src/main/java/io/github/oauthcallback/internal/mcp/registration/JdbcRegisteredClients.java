package io.github.oauthcallback.internal.mcp.registration;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.internal.store.StoreSettings;
import io.github.oauthcallback.internal.store.TokenCipher;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcAccessor;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Registered clients in a table of their own next to the token table ({@link McpClientTableSchema}: default
 * {@value McpClientTableSchema#DEFAULT_TABLE_NAME}), one row per MCP server registration id. With the token store's
 * encryption key the whole client is sealed in the {@code sealed} column ({@link ClientProtection}) and
 * {@code client_secret} stays empty; the plain columns (issuer, client id, method, source, expiry) are a copy for
 * listing, and only the sealed one is used. Without a key the secret is plaintext, like the tokens.
 * <p>
 * Writes run as the JDBC token store's saves do: in a transaction of their own, or in a savepoint
 * ({@code PROPAGATION_NESTED}) inside a transaction the caller has open, so a failed statement (a duplicate key, which
 * aborts a PostgreSQL transaction) is undone alone; a duplicate key or a lock conflict is retried. A {@link #save} is
 * an update, else an insert. {@link #saveUnlessChanged} is a compare-and-set: an insert where no row is, an update
 * only of the row it read (same client id and issuer), and where another node was first it returns that node's
 * client. A client too long for the columns is refused with a message that says so.
 */
public final class JdbcRegisteredClients implements RegisteredClients {

	private static final String COLUMNS = "issuer, client_id, client_authentication_method, source, client_secret, "
			+ "client_secret_expires_at, sealed";

	/** Attempts of a write that meets a concurrent one (duplicate key, lock conflict), as the token store's saves. */
	private static final int ATTEMPTS = 5;

	/** The column sizes of the shipped scripts. */
	private static final int MAX_ISSUER = 1000;

	private static final int MAX_CLIENT_ID = 1000;

	private static final int MAX_SECRET = 2000;

	private static final int MAX_SEALED = 4000;

	private final JdbcClient sql;

	private final String table;

	private final Supplier<String> database;

	private final ClientProtection protection;

	/** Writes in a transaction, or a savepoint in the caller's; {@code null} where no transaction manager is known. */
	private final @Nullable TransactionTemplate writes;

	/**
	 * Writes use a transaction manager of the {@code JdbcTemplate}'s data source (which joins a transaction the
	 * application opened on it).
	 * @param jdbc the JDBC operations on the token store's data source
	 * @param cipher the token store's cipher, {@link TokenCipher#none()} without a key
	 * @param table the table name ({@link McpClientTableSchema})
	 * @param database describes the database for messages, without credentials (as the token store's location)
	 */
	public JdbcRegisteredClients(JdbcOperations jdbc, TokenCipher cipher, String table, Supplier<String> database) {
		this(jdbc, transactionManager(jdbc), cipher, table, database);
	}

	/**
	 * @param jdbc the JDBC operations on the token store's data source
	 * @param transactionManager the transaction manager of the same data source, as the JDBC token store's
	 * @param cipher the token store's cipher, {@link TokenCipher#none()} without a key
	 * @param table the table name ({@link McpClientTableSchema})
	 * @param database describes the database for messages, without credentials (as the token store's location)
	 */
	public JdbcRegisteredClients(JdbcOperations jdbc, @Nullable PlatformTransactionManager transactionManager,
			TokenCipher cipher, String table, Supplier<String> database) {
		this.sql = JdbcClient.create(jdbc);
		this.table = StoreSettings.tableName(table);
		this.database = database;
		this.protection = new ClientProtection(cipher, this::location);
		if (transactionManager != null) {
			this.writes = new TransactionTemplate(transactionManager);
			this.writes.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		}
		else {
			this.writes = null;
		}
	}

	private static @Nullable PlatformTransactionManager transactionManager(JdbcOperations jdbc) {
		DataSource dataSource = (jdbc instanceof JdbcAccessor accessor) ? accessor.getDataSource() : null;
		return (dataSource != null) ? new JdbcTransactionManager(dataSource) : null;
	}

	@Override
	public Optional<McpClient> find(String registrationId) {
		Row row;
		try {
			row = row(registrationId);
		}
		catch (DataAccessException ex) {
			throw failure("cannot be read", ex);
		}
		return (row != null) ? Optional.ofNullable(read(registrationId, row)) : Optional.empty();
	}

	@Override
	public void save(String registrationId, McpClient client) {
		Values values = values(registrationId, client);
		written(registrationId, () -> {
			if (update(values, null) == 0) {
				insert(values);
			}
			return client;
		});
	}

	@Override
	public McpClient saveUnlessChanged(String registrationId, @Nullable McpClient replaced, McpClient client) {
		Values values = values(registrationId, client);
		return written(registrationId, () -> {
			Row current = row(registrationId);
			if (current == null) {
				insert(values);
				return client;
			}
			McpClient stored = read(registrationId, current);
			if (stored != null && !stored.equals(replaced)) {
				return stored;
			}
			// only the row that was read: another node's newer registration is not overwritten
			return (update(values, current) > 0) ? client : null;
		});
	}

	/**
	 * Runs a write in a savepoint (or transaction) of its own, again when it met a concurrent write: a duplicate key,
	 * a lock conflict, or a conditional update that found the row changed ({@code null} result).
	 */
	private McpClient written(String registrationId, Supplier<@Nullable McpClient> write) {
		for (int attempt = 1;; attempt++) {
			McpClient result;
			try {
				result = (this.writes != null) ? this.writes.execute((status) -> write.get()) : write.get();
			}
			catch (DuplicateKeyException | TransientDataAccessException ex) {
				result = null;
			}
			catch (DataAccessException ex) {
				throw failure("cannot be written", ex);
			}
			if (result != null) {
				return result;
			}
			if (attempt == ATTEMPTS) {
				throw new TokenStoreException(location(), "The client registered for '" + registrationId + "' could "
						+ "not be saved in the table of registered MCP clients " + this.table + " in "
						+ this.database.get() + ": other writes of the same row got in the way " + ATTEMPTS + " times. "
						+ "Try again.");
			}
			pause(attempt);
		}
	}

	private static void pause(int attempt) {
		try {
			Thread.sleep(ThreadLocalRandom.current().nextLong(5L << attempt));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private @Nullable Row row(String registrationId) {
		List<Row> rows = this.sql.sql("SELECT " + COLUMNS + " FROM " + this.table + " WHERE registration_id = ?")
			.param(registrationId)
			.query((resultSet, number) -> {
				long expires = resultSet.getLong("client_secret_expires_at");
				Long expiresAt = resultSet.wasNull() ? null : expires;
				return new Row(new StoredClient(resultSet.getString("client_id"), resultSet.getString("client_secret"),
						resultSet.getString("client_authentication_method"), resultSet.getString("issuer"),
						resultSet.getString("source"), expiresAt), resultSet.getString("sealed"));
			})
			.list();
		return rows.isEmpty() ? null : rows.get(0);
	}

	private @Nullable McpClient read(String registrationId, Row row) {
		return this.protection.read(registrationId, (row.sealed() != null) ? null : row.client(), row.sealed());
	}

	private void insert(Values values) {
		StoredClient plain = values.plain();
		this.sql.sql("INSERT INTO " + this.table + " (registration_id, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
			.params(values.registrationId(), plain.issuer(), plain.clientId(), plain.method(), plain.source(),
					values.secret(), plain.clientSecretExpiresAt(), values.sealed())
			.update();
	}

	/** Updates the row; only if it still has the client id and issuer of {@code expected}, when given. */
	private int update(Values values, @Nullable Row expected) {
		StoredClient plain = values.plain();
		String condition = (expected != null) ? " AND client_id = ? AND issuer = ?" : "";
		List<@Nullable Object> params = new ArrayList<>();
		params.add(plain.issuer());
		params.add(plain.clientId());
		params.add(plain.method());
		params.add(plain.source());
		params.add(values.secret());
		params.add(plain.clientSecretExpiresAt());
		params.add(values.sealed());
		params.add(values.registrationId());
		if (expected != null) {
			params.add(expected.client().clientId());
			params.add(expected.client().issuer());
		}
		return this.sql.sql("UPDATE " + this.table + " SET issuer = ?, client_id = ?, client_authentication_method = ?, "
				+ "source = ?, client_secret = ?, client_secret_expires_at = ?, sealed = ? WHERE registration_id = ?"
				+ condition)
			.params(params)
			.update();
	}

	/** The row's values; refused with a clear message when longer than the shipped script's columns. */
	private Values values(String registrationId, McpClient client) {
		StoredClient plain = StoredClient.of(client);
		boolean sealing = this.protection.sealing();
		String sealed = sealing ? this.protection.seal(registrationId, client) : null;
		String secret = sealing ? null : plain.clientSecret();
		String tooLong = tooLong("client id", plain.clientId(), MAX_CLIENT_ID);
		tooLong = (tooLong != null) ? tooLong : tooLong("issuer", plain.issuer(), MAX_ISSUER);
		tooLong = (tooLong != null) ? tooLong : tooLong("client secret", secret, MAX_SECRET);
		tooLong = (tooLong != null) ? tooLong : tooLong("sealed client", sealed, MAX_SEALED);
		if (tooLong != null) {
			throw new TokenStoreException(location(), "The client registered for '" + registrationId + "' cannot be "
					+ "saved in the table of registered MCP clients " + this.table + " in " + this.database.get() + ": "
					+ "its " + tooLong + ". Nothing was saved; the client is registered again at the next run. Widen "
					+ "the column, or register a client in advance and configure it for the MCP server.");
		}
		return new Values(registrationId, plain, secret, sealed);
	}

	private static @Nullable String tooLong(String what, @Nullable String value, int max) {
		return (value != null && value.length() > max)
				? what + " is " + value.length() + " characters long and its column holds " + max : null;
	}

	@Override
	public void remove(String registrationId) {
		try {
			this.sql.sql("DELETE FROM " + this.table + " WHERE registration_id = ?").param(registrationId).update();
		}
		catch (DataAccessException ex) {
			throw failure("cannot be written", ex);
		}
	}

	@Override
	public String location() {
		return "table " + this.table + " of " + this.database.get();
	}

	private TokenStoreException failure(String problem, DataAccessException ex) {
		return new TokenStoreException(location(), "The table of registered MCP clients " + this.table + " in "
				+ this.database.get() + " " + problem + " (" + ex.getClass().getSimpleName() + "). Check that it "
				+ "exists (the script is " + McpClientTableSchema.script(DatabaseDriver.UNKNOWN)
				+ " and its per-database variants in the starter's jar, docs/storage.md) and that the application's "
				+ "database user may use it.", ex);
	}

	@Override
	public String toString() {
		return "JdbcRegisteredClients[" + this.table + "]";
	}

	private record Row(StoredClient client, @Nullable String sealed) {

	}

	/** What a save writes. */
	private record Values(String registrationId, StoredClient plain, @Nullable String secret,
			@Nullable String sealed) {

		@Override
		public String toString() {
			return "Values[" + this.registrationId + "]";
		}

	}

}

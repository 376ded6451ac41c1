package io.github.oauthcallback.internal.mcp.registration;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.internal.store.StoreSettings;
import io.github.oauthcallback.internal.store.TokenCipher;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Registered clients in a table of their own next to the token table ({@link McpClientTableSchema}: default
 * {@value McpClientTableSchema#DEFAULT_TABLE_NAME}), one row per MCP server registration id. With the token store's
 * encryption key the whole client is sealed in the {@code sealed} column ({@link ClientProtection}) and
 * {@code client_secret} stays empty; the plain columns (issuer, client id, method, source, expiry) are a copy for
 * listing, and only the sealed one is used. Without a key the secret is plaintext, like the tokens. A save is an
 * update, else an insert, else (another node inserted the same row first) an update again.
 */
public final class JdbcRegisteredClients implements RegisteredClients {

	private static final String COLUMNS = "issuer, client_id, client_authentication_method, source, client_secret, "
			+ "client_secret_expires_at, sealed";

	private final JdbcClient sql;

	private final String table;

	private final Supplier<String> database;

	private final ClientProtection protection;

	/**
	 * @param jdbc the JDBC operations on the token store's data source
	 * @param cipher the token store's cipher, {@link TokenCipher#none()} without a key
	 * @param table the table name ({@link McpClientTableSchema})
	 * @param database describes the database for messages, without credentials (as the token store's location)
	 */
	public JdbcRegisteredClients(JdbcOperations jdbc, TokenCipher cipher, String table, Supplier<String> database) {
		this.sql = JdbcClient.create(jdbc);
		this.table = StoreSettings.tableName(table);
		this.database = database;
		this.protection = new ClientProtection(cipher, this::location);
	}

	@Override
	public Optional<McpClient> find(String registrationId) {
		List<Row> rows;
		try {
			rows = this.sql.sql("SELECT " + COLUMNS + " FROM " + this.table + " WHERE registration_id = ?")
				.param(registrationId)
				.query((resultSet, number) -> {
					long expires = resultSet.getLong("client_secret_expires_at");
					Long expiresAt = resultSet.wasNull() ? null : expires;
					return new Row(new StoredClient(resultSet.getString("client_id"),
							resultSet.getString("client_secret"), resultSet.getString("client_authentication_method"),
							resultSet.getString("issuer"), resultSet.getString("source"), expiresAt),
							resultSet.getString("sealed"));
				})
				.list();
		}
		catch (DataAccessException ex) {
			throw failure("cannot be read", ex);
		}
		if (rows.isEmpty()) {
			return Optional.empty();
		}
		Row row = rows.get(0);
		return Optional.ofNullable(this.protection.read(registrationId, (row.sealed() != null) ? null : row.client(),
				row.sealed()));
	}

	@Override
	public void save(String registrationId, McpClient client) {
		StoredClient plain = StoredClient.of(client);
		boolean sealing = this.protection.sealing();
		String sealed = sealing ? this.protection.seal(registrationId, client) : null;
		String secret = sealing ? null : plain.clientSecret();
		try {
			if (update(registrationId, plain, secret, sealed) > 0) {
				return;
			}
			try {
				this.sql.sql("INSERT INTO " + this.table + " (registration_id, " + COLUMNS
						+ ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
					.params(registrationId, plain.issuer(), plain.clientId(), plain.method(), plain.source(), secret,
							plain.clientSecretExpiresAt(), sealed)
					.update();
			}
			catch (DuplicateKeyException ex) {
				update(registrationId, plain, secret, sealed);
			}
		}
		catch (DataAccessException ex) {
			throw failure("cannot be written", ex);
		}
	}

	private int update(String registrationId, StoredClient plain, @Nullable String secret,
			@Nullable String sealed) {
		return this.sql.sql("UPDATE " + this.table + " SET issuer = ?, client_id = ?, client_authentication_method = ?, "
				+ "source = ?, client_secret = ?, client_secret_expires_at = ?, sealed = ? WHERE registration_id = ?")
			.params(plain.issuer(), plain.clientId(), plain.method(), plain.source(), secret,
					plain.clientSecretExpiresAt(), sealed, registrationId)
			.update();
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

}

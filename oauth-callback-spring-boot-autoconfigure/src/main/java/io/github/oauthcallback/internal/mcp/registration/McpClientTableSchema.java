package io.github.oauthcallback.internal.mcp.registration;

import java.util.Set;

import javax.sql.DataSource;

import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.internal.store.StoreSettings;
import io.github.oauthcallback.internal.store.TokenTableSchema;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Creates the table of registered MCP clients from the SQL scripts shipped next to the token table's
 * ({@code io/github/oauthcallback/store/mcp-client-schema-<platform>.sql}: {@code h2}, {@code hsqldb},
 * {@code postgresql}, {@code mariadb}, {@code mysql}, else {@code mcp-client-schema.sql}), in the same
 * {@link DatabaseInitializationMode} as the token table ({@link TokenTableSchema#initialize}). The scripts name the
 * default table; another configured name replaces it. Flyway and Liquibase users copy the same scripts.
 */
public final class McpClientTableSchema {

	/** The default table name, as the scripts spell it. */
	public static final String DEFAULT_TABLE_NAME = "oauth_callback_mcp_client";

	private static final Log logger = LogFactory.getLog(McpClientTableSchema.class);

	private static final Set<String> PLATFORMS = Set.of("h2", "hsqldb", "postgresql", "mariadb", "mysql");


	private McpClientTableSchema() {
	}

	/**
	 * Creates the table if it does not exist and the mode allows it.
	 * @param dataSource the data source
	 * @param table the table name
	 * @param mode when to create it, as for the token table: {@code EMBEDDED} only for an embedded database,
	 * {@code ALWAYS}, or {@code NEVER}
	 * @return whether the table was created
	 * @throws TokenStoreException if it does not exist and cannot be created
	 */
	public static boolean initialize(DataSource dataSource, String table, DatabaseInitializationMode mode) {
		if (!TokenTableSchema.mayInitialize(dataSource, mode)) {
			return false;
		}
		StoreSettings.tableName(table);
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		if (exists(jdbc, table)) {
			return false;
		}
		DatabaseDriver driver = TokenTableSchema.driver(jdbc);
		try {
			for (String statement : TokenTableSchema.statements(script(driver), DEFAULT_TABLE_NAME, table)) {
				jdbc.execute(statement);
			}
		}
		catch (DataAccessException failure) {
			// Another node may have created it in the meantime (databases without IF NOT EXISTS).
			if (exists(jdbc, table)) {
				return false;
			}
			throw new TokenStoreException(table, "The table of registered MCP clients " + table + " does not exist "
					+ "and could not be created (" + failure.getClass().getSimpleName() + "). Create it with the "
					+ "script " + script(driver) + " in the starter's jar (docs/storage.md), or let the application's "
					+ "database user create tables.", failure);
		}
		logger.info("Created the table of registered MCP clients " + table);
		return true;
	}

	/**
	 * @param driver the database
	 * @return the class path location of its {@code CREATE TABLE} script
	 */
	public static String script(DatabaseDriver driver) {
		String platform = driver.getId();
		return "io/github/oauthcallback/store/mcp-client-schema"
				+ ((platform != null && PLATFORMS.contains(platform)) ? "-" + platform : "") + ".sql";
	}

	private static boolean exists(JdbcTemplate jdbc, String table) {
		try {
			jdbc.query("SELECT 1 FROM " + table + " WHERE 1 = 0", (resultSet) -> null);
			return true;
		}
		catch (DataAccessException ex) {
			return false;
		}
	}

}

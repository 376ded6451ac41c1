package io.github.oauthcallback.store;

import java.sql.DatabaseMetaData;

import javax.sql.DataSource;

import io.github.oauthcallback.TokenStoreException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcUtils;

/**
 * Creates the token table: Spring Security's {@code oauth2_authorized_client} schema plus a nullable
 * {@code id_token_value} column, in the flavour of the database at hand (generic {@code blob}/{@code timestamp};
 * PostgreSQL {@code bytea}; MariaDB/MySQL {@code blob}/{@code datetime(6)}).
 */
public final class TokenTableSchema {

	private static final Log logger = LogFactory.getLog(TokenTableSchema.class);

	private TokenTableSchema() {
	}

	/**
	 * Creates the table if it does not exist and the mode allows it.
	 * @param dataSource the data source
	 * @param table the table name
	 * @param mode when to create it
	 * @return whether the table was created
	 */
	public static boolean initialize(DataSource dataSource, String table, SchemaInitialization mode) {
		if (mode == SchemaInitialization.NEVER
				|| (mode == SchemaInitialization.EMBEDDED && !EmbeddedDatabaseConnection.isEmbedded(dataSource))) {
			return false;
		}
		JdbcTokenStore.validTableName(table);
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		try {
			jdbc.query("SELECT 1 FROM " + table + " WHERE 1 = 0", (resultSet) -> null);
			return false;
		}
		catch (BadSqlGrammarException ex) {
			DatabaseDriver driver = driver(dataSource);
			try {
				jdbc.execute(ddl(driver, table));
			}
			catch (DataAccessException failure) {
				// Another node may have created it in the meantime (databases without IF NOT EXISTS).
				try {
					jdbc.query("SELECT 1 FROM " + table + " WHERE 1 = 0", (resultSet) -> null);
					return false;
				}
				catch (DataAccessException stillMissing) {
					throw new TokenStoreException(table, "The token table " + table + " does not exist and could not "
							+ "be created (" + failure.getClass().getSimpleName() + "). Create it as docs/storage.md "
							+ "shows, or let the application's database user create tables.", failure);
				}
			}
			logger.info("Created the token table " + table);
			return true;
		}
	}

	/**
	 * @param driver the database
	 * @param table the table name
	 * @return the {@code CREATE TABLE} statement
	 */
	public static String ddl(DatabaseDriver driver, String table) {
		String blob = "blob";
		String timestamp = "timestamp";
		String now = "CURRENT_TIMESTAMP";
		if (driver == DatabaseDriver.POSTGRESQL) {
			blob = "bytea";
		}
		else if (driver == DatabaseDriver.MARIADB || driver == DatabaseDriver.MYSQL) {
			timestamp = "datetime(6)";
			now = "CURRENT_TIMESTAMP(6)";
		}
		boolean ifNotExists = driver == DatabaseDriver.POSTGRESQL || driver == DatabaseDriver.MARIADB
				|| driver == DatabaseDriver.MYSQL || driver == DatabaseDriver.H2 || driver == DatabaseDriver.HSQLDB;
		return "CREATE TABLE " + (ifNotExists ? "IF NOT EXISTS " : "") + table + " (\n" //
				+ "  client_registration_id varchar(100) NOT NULL,\n" //
				+ "  principal_name varchar(200) NOT NULL,\n" //
				+ "  access_token_type varchar(100) NOT NULL,\n" //
				+ "  access_token_value " + blob + " NOT NULL,\n" //
				+ "  access_token_issued_at " + timestamp + " NOT NULL,\n" //
				+ "  access_token_expires_at " + timestamp + " NOT NULL,\n" //
				+ "  access_token_scopes varchar(1000) DEFAULT NULL,\n" //
				+ "  refresh_token_value " + blob + " DEFAULT NULL,\n" //
				+ "  refresh_token_issued_at " + timestamp + " DEFAULT NULL,\n" //
				+ "  created_at " + timestamp + " DEFAULT " + now + " NOT NULL,\n" //
				+ "  id_token_value " + blob + " DEFAULT NULL,\n" //
				+ "  PRIMARY KEY (client_registration_id, principal_name)\n" //
				+ ")";
	}

	static DatabaseDriver driver(DataSource dataSource) {
		try {
			String product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
			return DatabaseDriver.fromProductName(product);
		}
		catch (Exception ex) {
			return DatabaseDriver.UNKNOWN;
		}
	}

	/**
	 * @param dataSource the data source
	 * @return its JDBC URL without anything that may hold credentials, for messages
	 */
	public static String describe(DataSource dataSource) {
		try {
			return withoutCredentials(JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getURL));
		}
		catch (Exception ex) {
			return "the application's DataSource";
		}
	}

	/**
	 * Cuts query parameters and {@code ;key=value} properties, and removes user information such as
	 * {@code user:password@} or Oracle's {@code user/password@}.
	 * @param url a JDBC URL
	 * @return the URL without credentials
	 */
	static String withoutCredentials(String url) {
		String cut = url;
		for (char separator : new char[] { '?', ';' }) {
			int at = cut.indexOf(separator);
			if (at >= 0) {
				cut = cut.substring(0, at);
			}
		}
		int at = cut.lastIndexOf('@');
		if (at >= 0) {
			int start = cut.indexOf("//");
			start = (start >= 0 && start < at) ? start + 2 : cut.lastIndexOf(':', at) + 1;
			cut = cut.substring(0, start) + cut.substring(at + 1);
		}
		return cut;
	}

}

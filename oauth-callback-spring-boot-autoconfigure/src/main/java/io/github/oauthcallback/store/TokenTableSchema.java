package io.github.oauthcallback.store;

import java.sql.DatabaseMetaData;
import java.sql.ResultSetMetaData;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.sql.DataSource;

import io.github.oauthcallback.TokenStoreException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcUtils;

/**
 * Creates the token table: Spring Security's {@code oauth2_authorized_client} schema plus the nullable columns
 * {@code id_token_value}, {@code issuer}, {@code client_id} and {@code token_uri}, in the flavour of the database at
 * hand (generic {@code blob}/{@code timestamp}; PostgreSQL {@code bytea}; MariaDB/MySQL {@code blob}/
 * {@code datetime(6)}). An existing table that lacks the extra columns gets them ({@code ALTER TABLE ... ADD}) when
 * the mode allows creating the table; Spring Security's own statements never name them, so its
 * {@code JdbcOAuth2AuthorizedClientService} keeps working on the table.
 */
public final class TokenTableSchema {

	private static final Log logger = LogFactory.getLog(TokenTableSchema.class);

	/** The columns that record who issued a login. */
	static final List<String> ISSUED_BY_COLUMNS = List.of("issuer", "client_id", "token_uri");

	/** The starter's columns beyond Spring Security's schema, in the order they were added. */
	private static final List<String> EXTRA_COLUMNS = List.of("id_token_value", "issuer", "client_id", "token_uri");

	private TokenTableSchema() {
	}

	/**
	 * Creates the table if it does not exist and the mode allows it; adds the starter's extra columns to an existing
	 * table that lacks them (a table made with Spring Security's schema, or by an older version) in the same modes.
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
		Set<String> present;
		try {
			present = columns(jdbc, table);
		}
		catch (BadSqlGrammarException ex) {
			present = null;
		}
		DatabaseDriver driver = driver(dataSource);
		if (present != null) {
			addMissingColumns(jdbc, driver, table, missingColumns(present));
			return false;
		}
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
				+ "  issuer varchar(1000) DEFAULT NULL,\n" //
				+ "  client_id varchar(255) DEFAULT NULL,\n" //
				+ "  token_uri varchar(1000) DEFAULT NULL,\n" //
				+ "  PRIMARY KEY (client_registration_id, principal_name)\n" //
				+ ")";
	}

	/**
	 * Adds the starter's missing columns. Another node may add them at the same time: a failed statement is
	 * followed by a new look at the table, and only columns still missing are reported.
	 */
	private static void addMissingColumns(JdbcTemplate jdbc, DatabaseDriver driver, String table, List<String> missing) {
		if (missing.isEmpty()) {
			return;
		}
		List<String> statements = alterStatements(driver, table, missing);
		try {
			for (String statement : statements) {
				jdbc.execute(statement);
			}
			logger.info("Added the column" + ((missing.size() > 1) ? "s " : " ") + String.join(", ", missing)
					+ " to the token table " + table);
		}
		catch (DataAccessException failure) {
			List<String> stillMissing = missingColumns(columns(jdbc, table));
			if (!stillMissing.isEmpty()) {
				throw new TokenStoreException(table, "The token table " + table + " lacks the column"
						+ ((stillMissing.size() > 1) ? "s " : " ") + String.join(", ", stillMissing) + " and they could "
						+ "not be added (" + failure.getClass().getSimpleName() + "). Add them ("
						+ String.join("; ", alterStatements(driver, table, stillMissing)) + "), or let the application's "
						+ "database user alter tables.", failure);
			}
		}
	}

	/**
	 * @param jdbc JDBC operations
	 * @param table the table
	 * @return the table's column names in lower case, from the metadata of a query that returns no row (it fails only
	 * if the table does not exist)
	 */
	static Set<String> columns(JdbcOperations jdbc, String table) {
		Set<String> columns = jdbc.query("SELECT * FROM " + table + " WHERE 1 = 0", (resultSet) -> {
			ResultSetMetaData metaData = resultSet.getMetaData();
			Set<String> names = new LinkedHashSet<>();
			for (int column = 1; column <= metaData.getColumnCount(); column++) {
				names.add(metaData.getColumnLabel(column).toLowerCase(Locale.ROOT));
			}
			return names;
		});
		return (columns != null) ? columns : Set.of();
	}

	/**
	 * @param present the table's columns, lower case
	 * @return the starter's columns it lacks
	 */
	static List<String> missingColumns(Set<String> present) {
		return EXTRA_COLUMNS.stream().filter((column) -> !present.contains(column)).toList();
	}

	/**
	 * @param driver the database
	 * @param table the table
	 * @param missing the starter's columns to add
	 * @return one {@code ALTER TABLE} statement per column ({@code ADD COLUMN IF NOT EXISTS} where the database has
	 * it: H2, HSQLDB, PostgreSQL, MariaDB)
	 */
	static List<String> alterStatements(DatabaseDriver driver, String table, List<String> missing) {
		boolean ifNotExists = driver == DatabaseDriver.POSTGRESQL || driver == DatabaseDriver.MARIADB
				|| driver == DatabaseDriver.H2;
		return missing.stream()
			.map((column) -> "ALTER TABLE " + table + " ADD " + (ifNotExists ? "COLUMN IF NOT EXISTS " : "") + column
					+ " " + columnType(driver, column))
			.toList();
	}

	private static String columnType(DatabaseDriver driver, String column) {
		return switch (column) {
			case "id_token_value" -> (driver == DatabaseDriver.POSTGRESQL) ? "bytea" : "blob";
			case "client_id" -> "varchar(255)";
			default -> "varchar(1000)";
		};
	}

	static DatabaseDriver driver(JdbcOperations jdbc) {
		try {
			String product = jdbc
				.execute((ConnectionCallback<String>) (connection) -> connection.getMetaData().getDatabaseProductName());
			return DatabaseDriver.fromProductName(product);
		}
		catch (RuntimeException ex) {
			return DatabaseDriver.UNKNOWN;
		}
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
	 * Removes anything that may hold credentials: user information ({@code user:password@} or Oracle's
	 * {@code user/password@}) up to the last {@code @}, whatever characters the password holds ({@code ;}, {@code ?},
	 * {@code /}, {@code :}, {@code @}), then query parameters and {@code ;key=value} properties. If what remains still
	 * holds a {@code key=value} (MySQL's {@code (host=h,password=p)} and {@code address=(...)} host forms, DB2's
	 * {@code /db:password=p;}) or the word "password", or an {@code @} follows a {@code key=} (a password parameter
	 * holding one), only the scheme is shown ({@code jdbc:mysql://}): when in doubt it removes too much, never too
	 * little.
	 * @param url a JDBC URL
	 * @return the URL without credentials
	 */
	static String withoutCredentials(String url) {
		int at = url.lastIndexOf('@');
		int start = authorityStart(url, at);
		String rest = url.substring(start);
		if (at >= 0) {
			String before = url.substring(start, at);
			if (before.contains("=")) {
				return schemeOnly(url);
			}
			rest = url.substring(at + 1);
		}
		for (char separator : new char[] { '?', ';' }) {
			int index = rest.indexOf(separator);
			if (index >= 0) {
				rest = rest.substring(0, index);
			}
		}
		String described = url.substring(0, start) + rest;
		return (described.contains("=") || described.toLowerCase(Locale.ROOT).contains("password")) ? schemeOnly(url)
				: described;
	}

	/**
	 * @return {@code jdbc:<subprotocol>:}, with {@code //} if the URL has it there, and a note that the rest is not
	 * shown
	 */
	private static String schemeOnly(String url) {
		int first = url.indexOf(':');
		int second = (first >= 0) ? url.indexOf(':', first + 1) : -1;
		String scheme = (second >= 0) ? url.substring(0, second + 1) : "jdbc:";
		if (url.startsWith("//", scheme.length())) {
			scheme += "//";
		}
		if (scheme.contains("=") || scheme.toLowerCase(Locale.ROOT).contains("password")) {
			scheme = "jdbc:";
		}
		return scheme + "(rest not shown: it may hold credentials)";
	}

	/**
	 * @return where user information would start: after {@code //}, else (Oracle's {@code user/password@host}) after
	 * the last {@code :} before the first {@code /} or the {@code @}
	 */
	private static int authorityStart(String url, int at) {
		int authority = url.indexOf("//");
		if (authority >= 0 && (at < 0 || authority < at)) {
			return authority + 2;
		}
		if (at < 0) {
			int separator = firstOf(url, '?', ';');
			return (separator >= 0) ? separator : url.length();
		}
		int slash = url.indexOf('/');
		int end = (slash >= 0 && slash < at) ? slash : at;
		return url.lastIndexOf(':', end) + 1;
	}

	private static int firstOf(String text, char first, char second) {
		int one = text.indexOf(first);
		int two = text.indexOf(second);
		return (one < 0) ? two : (two < 0) ? one : Math.min(one, two);
	}

}

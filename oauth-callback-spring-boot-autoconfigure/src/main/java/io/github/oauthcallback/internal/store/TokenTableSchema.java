package io.github.oauthcallback.internal.store;

import io.github.oauthcallback.store.JdbcTokenStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.DatabaseMetaData;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.github.oauthcallback.TokenStoreException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcUtils;

/**
 * Creates the token table from the SQL scripts shipped next to this class: Spring Security's
 * {@code oauth2_authorized_client} schema plus the nullable columns {@code id_token_value}, {@code issuer},
 * {@code client_id} and {@code token_uri} ({@code schema-<platform>.sql}: {@code h2}, {@code hsqldb},
 * {@code postgresql}, {@code mariadb}, {@code mysql}, else {@code schema.sql}), and adds those columns to an existing
 * table that lacks them ({@code upgrade-<platform>.sql}: {@code h2}, {@code postgresql}, {@code mariadb}, else
 * {@code upgrade.sql}). The scripts name the default table; another configured name replaces it. Flyway and Liquibase
 * users copy the same scripts. Spring Security's own {@code JdbcOAuth2AuthorizedClientService} keeps working on the
 * table: it never names the extra columns.
 */
public final class TokenTableSchema {

	private static final Log logger = LogFactory.getLog(TokenTableSchema.class);

	/** The columns that record who issued a login. */
	public static final List<String> ISSUED_BY_COLUMNS = List.of("issuer", "client_id", "token_uri");

	/** The starter's columns beyond Spring Security's schema, in the order they were added. */
	private static final List<String> EXTRA_COLUMNS = List.of("id_token_value", "issuer", "client_id", "token_uri");

	/** The platforms with a {@code schema-<platform>.sql} script; others use {@code schema.sql}. */
	private static final Set<String> SCHEMA_PLATFORMS = Set.of("h2", "hsqldb", "postgresql", "mariadb", "mysql");

	/** The platforms with an {@code upgrade-<platform>.sql} script; others use {@code upgrade.sql}. */
	private static final Set<String> UPGRADE_PLATFORMS = Set.of("h2", "postgresql", "mariadb");


	private TokenTableSchema() {
	}

	/**
	 * Creates the table if it does not exist and the mode allows it; adds the starter's extra columns to an existing
	 * table that lacks them (a table made with Spring Security's schema, or by an older version) in the same modes.
	 * @param dataSource the data source
	 * @param table the table name
	 * @param mode when to create it, as Spring Boot's {@code spring.sql.init.mode}: {@code EMBEDDED} only for an
	 * embedded database (H2, HSQLDB, Derby), {@code ALWAYS}, or {@code NEVER}
	 * @return whether the table was created
	 */
	public static boolean initialize(DataSource dataSource, String table, DatabaseInitializationMode mode) {
		if (!mayInitialize(dataSource, mode)) {
			return false;
		}
		StoreSettings.tableName(table);
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		Set<String> present;
		try {
			present = columns(jdbc, table);
		}
		catch (BadSqlGrammarException ex) {
			present = null;
		}
		DatabaseDriver driver = driver(jdbc);
		if (present != null) {
			addMissingColumns(jdbc, driver, table, missingColumns(present));
			return false;
		}
		try {
			for (String statement : statements(schemaScript(driver), table)) {
				jdbc.execute(statement);
			}
		}
		catch (DataAccessException failure) {
			// Another node may have created it in the meantime (databases without IF NOT EXISTS).
			try {
				jdbc.query("SELECT 1 FROM " + table + " WHERE 1 = 0", (resultSet) -> null);
				return false;
			}
			catch (DataAccessException stillMissing) {
				throw new TokenStoreException(table, "The token table " + table + " does not exist and could not "
						+ "be created (" + failure.getClass().getSimpleName() + "). Create it with the script "
						+ schemaScript(driver) + " in the starter's jar (docs/storage.md), or let the application's "
						+ "database user create tables.", failure);
			}
		}
		logger.info("Created the token table " + table);
		return true;
	}

	/**
	 * @param driver the database
	 * @return the class path location of its {@code CREATE TABLE} script
	 */
	public static String schemaScript(DatabaseDriver driver) {
		return script("schema", SCHEMA_PLATFORMS, driver);
	}

	/**
	 * @param driver the database
	 * @return the class path location of its script that adds the starter's columns to an existing table
	 */
	public static String upgradeScript(DatabaseDriver driver) {
		return script("upgrade", UPGRADE_PLATFORMS, driver);
	}

	private static String script(String name, Set<String> platforms, DatabaseDriver driver) {
		String platform = driver.getId();
		return "io/github/oauthcallback/store/" + name
				+ ((platform != null && platforms.contains(platform)) ? "-" + platform : "") + ".sql";
	}

	/**
	 * @param driver the database
	 * @param table the table name
	 * @return the {@code CREATE TABLE} statement of the database's script, for that table name
	 */
	public static String ddl(DatabaseDriver driver, String table) {
		return statements(schemaScript(driver), StoreSettings.tableName(table)).get(0);
	}

	/**
	 * @param location a script on the class path, with one or more statements, each ending with {@code ;}, and
	 * comment lines starting with {@code --}
	 * @param table the table name that replaces the default one
	 * @return the statements, without the {@code ;}
	 */
	static List<String> statements(String location, String table) {
		return statements(location, JdbcTokenStore.DEFAULT_TABLE_NAME, table);
	}

	/**
	 * The statements of one of the starter's schema scripts, for another table name than the script's.
	 * @param location a script on the class path, with one or more statements, each ending with {@code ;}, and
	 * comment lines starting with {@code --}
	 * @param defaultTable the table name as the script spells it
	 * @param table the table name that replaces it
	 * @return the statements, without the {@code ;}
	 */
	public static List<String> statements(String location, String defaultTable, String table) {
		String script;
		try (InputStream in = new ClassPathResource(location).getInputStream()) {
			script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The starter's script " + location + " cannot be read", ex);
		}
		String code = script.lines()
			.filter((line) -> !line.strip().startsWith("--"))
			.map((line) -> line + "\n")
			.collect(Collectors.joining());
		Pattern tableInScript = Pattern.compile("\\b" + Pattern.quote(defaultTable) + "\\b");
		List<String> statements = new ArrayList<>();
		for (String statement : code.split(";")) {
			if (!statement.isBlank()) {
				statements.add(tableInScript.matcher(statement.strip()).replaceAll(Matcher.quoteReplacement(table)));
			}
		}
		return statements;
	}

	/**
	 * @param dataSource the data source
	 * @param mode when the starter creates its tables, as Spring Boot's {@code spring.sql.init.mode}
	 * @return whether the mode lets the starter create a table in this database ({@code EMBEDDED}: only in an embedded
	 * one)
	 */
	public static boolean mayInitialize(DataSource dataSource, DatabaseInitializationMode mode) {
		return mode == DatabaseInitializationMode.ALWAYS || (mode == DatabaseInitializationMode.EMBEDDED
				&& EmbeddedDatabaseConnection.isEmbedded(dataSource));
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
	public static Set<String> columns(JdbcOperations jdbc, String table) {
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
	public static List<String> missingColumns(Set<String> present) {
		return EXTRA_COLUMNS.stream().filter((column) -> !present.contains(column)).toList();
	}

	/**
	 * @param driver the database
	 * @param table the table
	 * @param missing the starter's columns to add
	 * @return the statements of the database's upgrade script that add them, one per column ({@code ADD COLUMN IF
	 * NOT EXISTS} where the database has it: H2, PostgreSQL, MariaDB)
	 */
	public static List<String> alterStatements(DatabaseDriver driver, String table, List<String> missing) {
		return statements(upgradeScript(driver), table).stream()
			.filter((statement) -> missing.contains(addedColumn(statement)))
			.toList();
	}

	/**
	 * @param statement {@code ALTER TABLE <table> ADD [COLUMN IF NOT EXISTS] <column> <type>}
	 * @return the column
	 */
	private static String addedColumn(String statement) {
		String[] words = statement.split("\\s+");
		return words[words.length - 2];
	}

	public static DatabaseDriver driver(DataSource dataSource) {
		return driver(new JdbcTemplate(dataSource));
	}

	public static DatabaseDriver driver(JdbcOperations jdbc) {
		try {
			String product = jdbc
				.execute((ConnectionCallback<String>) (connection) -> connection.getMetaData().getDatabaseProductName());
			return DatabaseDriver.fromProductName(product);
		}
		catch (RuntimeException ex) {
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
	public static String withoutCredentials(String url) {
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

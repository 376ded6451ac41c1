package io.github.oauthcallback.store;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases JDBC store tests run against: H2 in-process, and the PostgreSQL and MariaDB servers this project's
 * machines run. Under {@code CI=true} an unreachable server fails the test; elsewhere it is skipped with the reason.
 */
public final class TestDatabases {

	public static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";

	public static final String MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test";

	private TestDatabases() {
	}

	public static HikariDataSource h2(String name) {
		return pool("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "");
	}

	public static HikariDataSource postgres() {
		return reachable(pool(POSTGRES_URL, "postgres", ""), "PostgreSQL");
	}

	public static HikariDataSource mariadb() {
		return reachable(pool(MARIADB_URL, "root", ""), "MariaDB");
	}

	/**
	 * @param schema an existing schema
	 * @return a data source whose unqualified table names are in that schema
	 */
	public static HikariDataSource postgres(String schema) {
		return reachable(pool(POSTGRES_URL + "?currentSchema=" + schema, "postgres", ""), "PostgreSQL");
	}

	/**
	 * @param database an existing database
	 * @return a data source on that database
	 */
	public static HikariDataSource mariadb(String database) {
		return reachable(pool(MARIADB_URL.substring(0, MARIADB_URL.lastIndexOf('/') + 1) + database, "root", ""),
				"MariaDB");
	}

	private static HikariDataSource pool(String url, String user, String password) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(url);
		dataSource.setUsername(user);
		dataSource.setPassword(password);
		dataSource.setMaximumPoolSize(4);
		dataSource.setInitializationFailTimeout(-1);
		dataSource.setConnectionTimeout(5000);
		return dataSource;
	}

	private static HikariDataSource reachable(HikariDataSource dataSource, String name) {
		try (Connection connection = dataSource.getConnection()) {
			return dataSource;
		}
		catch (SQLException ex) {
			dataSource.close();
			String reason = name + " is not reachable at " + dataSource.getJdbcUrl() + " (" + ex.getMessage() + ")";
			if ("true".equals(System.getenv("CI"))) {
				throw new AssertionError("CI=true and " + reason + ": CI machines run it, so this is a failure", ex);
			}
			System.err.println("SKIPPED: " + reason + "; set CI=true to make this a failure");
			Assumptions.abort(reason + "; skipping (set CI=true to make this a failure)");
			return null;
		}
	}

	public static void drop(DataSource dataSource, String table) {
		new org.springframework.jdbc.core.JdbcTemplate(dataSource).execute("DROP TABLE IF EXISTS " + table);
	}

}

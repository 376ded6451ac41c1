package io.github.oauthcallback.internal.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The checks of the stores' settings: the only ones, run by the stores' constructors and reused by the configuration
 * properties, which name the property. They need no JDBC class, so they run where Spring JDBC is absent too.
 */
public final class StoreSettings {

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private StoreSettings() {
	}

	/**
	 * @param table a table name
	 * @return the name
	 * @throws IllegalArgumentException if it is not a plain SQL identifier, optionally schema-qualified
	 */
	public static String tableName(@Nullable String table) {
		if (table == null || !TABLE_NAME.matcher(table).matches()) {
			throw new IllegalArgumentException("The table name must be a plain SQL identifier, optionally "
					+ "schema-qualified (was '" + table + "'): letters, digits and underscores, not starting with a "
					+ "digit, such as oauth2_authorized_client or cli.tokens.");
		}
		return table;
	}

	/**
	 * @param file the token file
	 * @return the file as an absolute, normalized path
	 * @throws IllegalArgumentException if it is the root of a file system, which is no file in a directory
	 */
	public static Path tokenFile(Path file) {
		Path absolute = file.toAbsolutePath().normalize();
		if (absolute.getParent() == null) {
			throw new IllegalArgumentException("The token file must be a file in a directory (was '" + file + "', the "
					+ "root of the file system): give a file path such as /home/me/.config/my-cli/tokens.json, or "
					+ "leave it unset for the per-user default.");
		}
		return absolute;
	}

	/**
	 * @param lockTimeout how long the file store waits for another process's lock on a login
	 * @return the timeout
	 * @throws IllegalArgumentException if it is {@code null}, zero or negative
	 */
	public static Duration fileLockTimeout(@Nullable Duration lockTimeout) {
		if (lockTimeout == null || lockTimeout.isNegative() || lockTimeout.isZero()) {
			throw new IllegalArgumentException("The lock timeout must be positive (was " + lockTimeout + "): it is "
					+ "how long the store waits for another process that holds the lock on a login, for example 10m "
					+ "(the default).");
		}
		return lockTimeout;
	}

	/**
	 * @param lockTimeout how long the JDBC store waits for another node's row lock
	 * @return the timeout
	 * @throws IllegalArgumentException if it is shorter than one second
	 */
	public static Duration jdbcLockTimeout(@Nullable Duration lockTimeout) {
		if (lockTimeout == null || lockTimeout.toSeconds() < 1) {
			throw new IllegalArgumentException("The lock timeout must be at least one second for the JDBC store (was "
					+ lockTimeout + "): the database waits for a row lock in whole seconds. The default is 10m.");
		}
		return lockTimeout;
	}

	/**
	 * @param timeToLive how long the JDBC store uses a login read from the database without reading it again
	 * @return the time to live
	 * @throws IllegalArgumentException if it is {@code null} or negative
	 */
	public static Duration cacheTimeToLive(@Nullable Duration timeToLive) {
		if (timeToLive == null || timeToLive.isNegative()) {
			throw new IllegalArgumentException("The cache time-to-live must be zero or positive (was " + timeToLive
					+ "): 0 reads the database on every request; the default is 10s.");
		}
		return timeToLive;
	}

}

package io.github.oauthcallback.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.Types;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.Registrations;
import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.store.TokenCipher.UndecryptableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.JdbcOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;

/**
 * Spring Security's {@link JdbcOAuth2AuthorizedClientService}, made safe for several nodes sharing one database:
 * <ul>
 * <li>saves are atomic: Spring's update-then-insert runs in a transaction (a savepoint when one is already open),
 * together with the ID token, and is retried when a concurrent node inserted the same key first (duplicate key) or a
 * lock conflict aborted it;</li>
 * <li>{@link #exclusively} runs in a transaction of its own that holds a row lock, waits at most the lock timeout,
 * and commits what the action did even when the action then fails for another reason (a refused refresh token is
 * removed for good);</li>
 * <li>a valid stored login is read from the database at most once per cache time-to-live, so a request with a stored
 * token does not query the database; saves and removals of this process take effect at once, those of other nodes
 * within the time-to-live, and reads under {@link #exclusively} always go to the database;</li>
 * <li>token values are encrypted with the {@link TokenCipher} when a key is configured;</li>
 * <li>the ID token of OIDC logins is kept in an extra {@code id_token_value} column (skipped, with a warning, on a
 * table that lacks it);</li>
 * <li>the table name is configurable.</li>
 * </ul>
 */
public class JdbcTokenStore extends JdbcOAuth2AuthorizedClientService implements TokenStore {

	/** Spring Security's table name. */
	public static final String DEFAULT_TABLE_NAME = "oauth2_authorized_client";

	private static final Log logger = LogFactory.getLog(JdbcTokenStore.class);

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private static final Pattern SPRING_TABLE = Pattern.compile("\\b" + DEFAULT_TABLE_NAME + "\\b");

	private static final int ATTEMPTS = 5;

	/** The default of {@code oauth-callback.store.jdbc.cache-time-to-live}. */
	public static final Duration DEFAULT_CACHE_TIME_TO_LIVE = Duration.ofSeconds(10);

	private static final String COLUMNS = "client_registration_id, principal_name, access_token_type, "
			+ "access_token_value, access_token_issued_at, access_token_expires_at, access_token_scopes, "
			+ "refresh_token_value, refresh_token_issued_at";

	/** Set while the current thread runs an action under {@link #exclusively}. */
	private static final ThreadLocal<Boolean> locked = new ThreadLocal<>();

	private final JdbcOperations jdbc;

	private final ClientRegistrationRepository registrations;

	private final TokenCipher cipher;

	private final TransactionTemplate saves;

	private final TransactionTemplate exclusive;

	private final RowMapper<OAuth2AuthorizedClient> rows;

	private final long cacheNanos;

	private final int lockTimeoutSeconds;

	private final Map<String, Cached> cache = new ConcurrentHashMap<>();

	private final String table;

	private final Supplier<String> location;

	private volatile Boolean idTokenColumn;

	/**
	 * A store with the default cache time-to-live and lock timeout.
	 * @param jdbc the JDBC operations on the application's data source
	 * @param transactions transactions on the same data source: a {@link TransactionTemplate}
	 * @param registrations the client registrations
	 * @param cipher encrypts token values, or {@link TokenCipher#none()}
	 * @param table the table name (Spring Security's schema plus an {@code id_token_value} column)
	 * @param location describes the database for messages (no credentials)
	 */
	public JdbcTokenStore(JdbcOperations jdbc, TransactionOperations transactions,
			ClientRegistrationRepository registrations, TokenCipher cipher, String table, Supplier<String> location) {
		this(jdbc, transactionManager(transactions), registrations, cipher, table, location,
				DEFAULT_CACHE_TIME_TO_LIVE, FileTokenStore.DEFAULT_LOCK_TIMEOUT);
	}

	/**
	 * @param jdbc the JDBC operations on the application's data source
	 * @param transactionManager the transaction manager of the same data source
	 * @param registrations the client registrations
	 * @param cipher encrypts token values, or {@link TokenCipher#none()}
	 * @param table the table name (Spring Security's schema plus an {@code id_token_value} column)
	 * @param location describes the database for messages (no credentials)
	 * @param cacheTimeToLive how long a login read from the database is used without reading it again;
	 * {@link Duration#ZERO} reads it on every request
	 * @param lockTimeout how long {@link #exclusively} waits for another node's row lock before failing
	 */
	public JdbcTokenStore(JdbcOperations jdbc, PlatformTransactionManager transactionManager,
			ClientRegistrationRepository registrations, TokenCipher cipher, String table, Supplier<String> location,
			Duration cacheTimeToLive, Duration lockTimeout) {
		super(renameTable(jdbc, validTableName(table)), registrations);
		if (cacheTimeToLive == null || cacheTimeToLive.isNegative()) {
			throw new io.github.oauthcallback.InvalidConfigurationException("oauth-callback.store.jdbc."
					+ "cache-time-to-live must be zero or positive (was " + cacheTimeToLive + "); the default is 10s.");
		}
		if (lockTimeout == null || lockTimeout.toSeconds() < 1) {
			throw new io.github.oauthcallback.InvalidConfigurationException("oauth-callback.store.lock-timeout must "
					+ "be at least one second for the JDBC store (was " + lockTimeout + "); the default is 10m.");
		}
		this.jdbc = jdbc;
		this.registrations = registrations;
		this.cipher = cipher;
		this.saves = new TransactionTemplate(transactionManager);
		this.saves.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		this.exclusive = new TransactionTemplate(transactionManager);
		this.exclusive.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.table = table;
		this.location = location;
		this.cacheNanos = cacheTimeToLive.toNanos();
		this.lockTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE, lockTimeout.toSeconds());
		OAuth2AuthorizedClientParametersMapper parameters = new OAuth2AuthorizedClientParametersMapper();
		setAuthorizedClientParametersMapper((holder) -> parameters
			.apply(new OAuth2AuthorizedClientHolder(sealed(holder.getAuthorizedClient(), holder.getPrincipal().getName()),
					holder.getPrincipal())));
		OAuth2AuthorizedClientRowMapper rows = new OAuth2AuthorizedClientRowMapper(registrations);
		this.rows = (resultSet, rowNumber) -> opened(rows.mapRow(resultSet, rowNumber));
		setAuthorizedClientRowMapper(this.rows);
	}

	private static PlatformTransactionManager transactionManager(TransactionOperations transactions) {
		if (transactions instanceof TransactionTemplate template && template.getTransactionManager() != null) {
			return template.getTransactionManager();
		}
		throw new IllegalArgumentException("transactions must be a TransactionTemplate with a transaction manager");
	}

	/**
	 * Reads the login with its ID token in one statement. Outside {@link #exclusively} a login read less than the
	 * cache time-to-live ago is returned without a query.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId, String principalName) {
		String key = key(clientRegistrationId, principalName);
		boolean underLock = locked.get() != null;
		if (!underLock && this.cacheNanos > 0) {
			Cached cached = this.cache.get(key);
			if (cached != null && System.nanoTime() - cached.readAt() < this.cacheNanos) {
				return (T) cached.client();
			}
		}
		long readAt = System.nanoTime();
		boolean idTokens = database(this::hasIdTokenColumn);
		List<OAuth2AuthorizedClient> found = database(() -> this.jdbc.query("SELECT " + COLUMNS
				+ (idTokens ? ", id_token_value" : "") + " FROM " + this.table
				+ " WHERE client_registration_id = ? AND principal_name = ?", (resultSet, row) -> {
					OAuth2AuthorizedClient client = this.rows.mapRow(resultSet, row);
					byte[] idToken = idTokens ? resultSet.getBytes("id_token_value") : null;
					return (client == null || idToken == null) ? client
							: new OidcAuthorizedClient(client.getClientRegistration(), principalName,
									client.getAccessToken(), client.getRefreshToken(),
									IdTokens.parse(open(new String(idToken, StandardCharsets.UTF_8),
											FileTokenStore.context(clientRegistrationId, principalName, "id_token"))));
				}, clientRegistrationId, principalName));
		OAuth2AuthorizedClient client = found.isEmpty() ? null : found.get(0);
		if (!underLock && client != null && this.cacheNanos > 0) {
			this.cache.put(key, new Cached(client, readAt));
		}
		return (T) client;
	}

	@Override
	public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		boolean idTokens = database(this::hasIdTokenColumn);
		this.cache.remove(key(authorizedClient.getClientRegistration().getRegistrationId(), principal.getName()));
		for (int attempt = 1;; attempt++) {
			try {
				// A savepoint inside exclusively(): a failed attempt is undone alone and the retry can run.
				this.saves.executeWithoutResult((status) -> {
					super.saveAuthorizedClient(authorizedClient, principal);
					if (idTokens) {
						saveIdToken(authorizedClient, principal.getName());
					}
				});
				return;
			}
			catch (DuplicateKeyException | TransientDataAccessException ex) {
				if (attempt == ATTEMPTS) {
					throw failure("could not save the login for '"
							+ authorizedClient.getClientRegistration().getRegistrationId() + "' after " + ATTEMPTS
							+ " attempts (" + ex.getClass().getSimpleName() + ")", ex);
				}
				logger.debug("A save for '" + authorizedClient.getClientRegistration().getRegistrationId()
						+ "' met a concurrent save (" + ex.getClass().getSimpleName() + "); retrying");
				pause(attempt);
			}
			catch (DataAccessException ex) {
				throw failure("could not save the login for '"
						+ authorizedClient.getClientRegistration().getRegistrationId() + "' ("
						+ ex.getClass().getSimpleName() + ")", ex);
			}
		}
	}

	@Override
	public void removeAuthorizedClient(String clientRegistrationId, String principalName) {
		this.cache.remove(key(clientRegistrationId, principalName));
		database(() -> {
			super.removeAuthorizedClient(clientRegistrationId, principalName);
			return null;
		});
	}

	@Override
	public List<StoredLogin> logins() {
		List<String> ids = Registrations.ids(this.registrations);
		if (ids.isEmpty()) {
			return List.of();
		}
		String in = String.join(", ", ids.stream().map((id) -> "?").toList());
		return database(() -> this.jdbc.query("SELECT client_registration_id, principal_name, access_token_scopes, "
				+ "access_token_expires_at, refresh_token_value FROM " + this.table
				+ " WHERE client_registration_id IN (" + in + ") ORDER BY client_registration_id, principal_name",
				(resultSet, row) -> {
					String scopes = resultSet.getString(3);
					java.sql.Timestamp expires = resultSet.getTimestamp(4);
					return new StoredLogin(resultSet.getString(1), resultSet.getString(2),
							StringUtils.hasText(scopes) ? StringUtils.commaDelimitedListToSet(scopes) : Set.of(),
							(expires != null) ? expires.toInstant() : null, resultSet.getBytes(5) != null);
				}, ids.toArray()));
	}

	@Override
	public Optional<StoredLogin> logout(String registrationId, String account) {
		Optional<StoredLogin> stored = logins().stream()
			.filter((login) -> login.registrationId().equals(registrationId) && login.account().equals(account))
			.findFirst();
		removeAuthorizedClient(registrationId, account);
		return stored;
	}

	/**
	 * Removes every login of this application's registrations; rows of other registrations in a shared table are
	 * left alone.
	 */
	@Override
	public List<StoredLogin> logoutAll() {
		List<StoredLogin> removed = logins();
		for (StoredLogin login : removed) {
			removeAuthorizedClient(login.registrationId(), login.account());
		}
		return removed;
	}

	/**
	 * Runs the action in a transaction of its own that holds a row lock ({@code SELECT ... FOR UPDATE}, waiting at
	 * most the lock timeout) on the stored login, so nodes sharing the database refresh one at a time; saves inside
	 * join it. Without a stored row (a first login) there is no row to lock. When the action fails with anything but a
	 * database error, what it wrote is committed before the failure is rethrown: a refused refresh token it removed
	 * stays removed.
	 */
	@Override
	public <T> T exclusively(String registrationId, String account, Supplier<T> action) {
		database(this::hasIdTokenColumn);
		this.cache.remove(key(registrationId, account));
		Boolean outer = locked.get();
		locked.set(Boolean.TRUE);
		try {
			Outcome<T> outcome = database(() -> this.exclusive.execute((status) -> {
				lockRow(registrationId, account);
				try {
					return new Outcome<>(action.get(), null);
				}
				catch (DataAccessException ex) {
					throw ex;
				}
				catch (RuntimeException ex) {
					return new Outcome<T>(null, ex);
				}
			}));
			if (outcome.failure() != null) {
				throw outcome.failure();
			}
			return outcome.result();
		}
		finally {
			if (outer == null) {
				locked.remove();
			}
			this.cache.remove(key(registrationId, account));
		}
	}

	private void lockRow(String registrationId, String account) {
		try {
			this.jdbc.query((connection) -> {
				PreparedStatement statement = connection.prepareStatement("SELECT principal_name FROM " + this.table
						+ " WHERE client_registration_id = ? AND principal_name = ? FOR UPDATE");
				statement.setQueryTimeout(this.lockTimeoutSeconds);
				statement.setString(1, registrationId);
				statement.setString(2, account);
				return statement;
			}, (ResultSetExtractor<Object>) (resultSet) -> null);
		}
		catch (DataAccessException ex) {
			throw failure("could not lock the login of '" + registrationId + "' for account '" + account
					+ "' within oauth-callback.store.lock-timeout (" + this.lockTimeoutSeconds + " s; "
					+ ex.getClass().getSimpleName() + "): another node probably holds it while it refreshes the token "
					+ "or waits for a browser login. Try again once it is done, or raise the timeout", ex);
		}
	}

	private record Outcome<T>(T result, RuntimeException failure) {

	}

	private record Cached(OAuth2AuthorizedClient client, long readAt) {

	}

	private static String key(String registrationId, String account) {
		return registrationId + "\n" + account;
	}

	private static void pause(int attempt) {
		try {
			Thread.sleep(ThreadLocalRandom.current().nextLong(5L << attempt));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String location() {
		return "table " + this.table + " on " + this.location.get();
	}

	private void saveIdToken(OAuth2AuthorizedClient client, String account) {
		String registrationId = client.getClientRegistration().getRegistrationId();
		String idToken = (client instanceof OidcAuthorizedClient oidc && oidc.getIdToken() != null) ? this.cipher
			.seal(oidc.getIdToken().getTokenValue(), FileTokenStore.context(registrationId, account, "id_token")) : null;
		this.jdbc.update("UPDATE " + this.table
				+ " SET id_token_value = ? WHERE client_registration_id = ? AND principal_name = ?",
				new SqlParameterValue(Types.VARBINARY, (idToken != null) ? idToken.getBytes(StandardCharsets.UTF_8) : null),
				registrationId, account);
	}

	/**
	 * Whether the table has the {@code id_token_value} column, from the metadata of a query that cannot fail on a
	 * table without it (a failed statement would abort a PostgreSQL transaction).
	 */
	private boolean hasIdTokenColumn() {
		Boolean known = this.idTokenColumn;
		if (known == null) {
			known = this.jdbc.query("SELECT * FROM " + this.table + " WHERE 1 = 0", (resultSet) -> {
				ResultSetMetaData metaData = resultSet.getMetaData();
				for (int column = 1; column <= metaData.getColumnCount(); column++) {
					if ("id_token_value".equalsIgnoreCase(metaData.getColumnLabel(column))) {
						return true;
					}
				}
				return false;
			});
			if (!Boolean.TRUE.equals(known)) {
				known = false;
				logger.warn("The token table " + this.table + " has no id_token_value column, so ID tokens of OpenID "
						+ "Connect logins are not stored. Add it as docs/storage.md shows (ALTER TABLE " + this.table
						+ " ADD id_token_value bytea on PostgreSQL, blob on other databases).");
			}
			this.idTokenColumn = known;
		}
		return known;
	}

	private OAuth2AuthorizedClient sealed(OAuth2AuthorizedClient client, String account) {
		if (!this.cipher.encrypting()) {
			return client;
		}
		String id = client.getClientRegistration().getRegistrationId();
		OAuth2AccessToken access = client.getAccessToken();
		OAuth2RefreshToken refresh = client.getRefreshToken();
		return new OAuth2AuthorizedClient(client.getClientRegistration(), account,
				new OAuth2AccessToken(access.getTokenType(),
						this.cipher.seal(access.getTokenValue(), FileTokenStore.context(id, account, "access_token")),
						access.getIssuedAt(), access.getExpiresAt(), access.getScopes()),
				(refresh != null) ? new OAuth2RefreshToken(
						this.cipher.seal(refresh.getTokenValue(), FileTokenStore.context(id, account, "refresh_token")),
						refresh.getIssuedAt(), refresh.getExpiresAt()) : null);
	}

	private OAuth2AuthorizedClient opened(OAuth2AuthorizedClient client) {
		String id = client.getClientRegistration().getRegistrationId();
		String account = client.getPrincipalName();
		OAuth2AccessToken access = client.getAccessToken();
		OAuth2RefreshToken refresh = client.getRefreshToken();
		return new OAuth2AuthorizedClient(client.getClientRegistration(), account,
				new OAuth2AccessToken(access.getTokenType(),
						open(access.getTokenValue(), FileTokenStore.context(id, account, "access_token")),
						access.getIssuedAt(), access.getExpiresAt(), access.getScopes()),
				(refresh != null) ? new OAuth2RefreshToken(
						open(refresh.getTokenValue(), FileTokenStore.context(id, account, "refresh_token")),
						refresh.getIssuedAt(), refresh.getExpiresAt()) : null);
	}

	private String open(String value, String context) {
		try {
			return this.cipher.open(value, context);
		}
		catch (UndecryptableException ex) {
			throw failure("holds a login that cannot be decrypted: " + ex.getMessage() + ". Configure the key it was "
					+ "written with (oauth-callback.store.encryption.key, or previous-keys while rotating), or remove "
					+ "the stored logins with 'logout --all'. Nothing was changed", null);
		}
	}

	private <T> T database(Supplier<T> action) {
		try {
			return action.get();
		}
		catch (DataAccessException ex) {
			throw failure("cannot be used (" + ex.getClass().getSimpleName() + "). Check the database connection and "
					+ "that the table exists (oauth-callback.store.jdbc.initialize-schema, docs/storage.md)", ex);
		}
	}

	private TokenStoreException failure(String problem, Throwable cause) {
		return new TokenStoreException(location(), "The token store (" + location() + ") " + problem + ".", cause);
	}

	/**
	 * @param table a configured table name
	 * @return the name, if it is a plain SQL identifier, optionally schema-qualified
	 * @throws io.github.oauthcallback.InvalidConfigurationException otherwise
	 */
	static String validTableName(String table) {
		if (table == null || !TABLE_NAME.matcher(table).matches()) {
			throw new io.github.oauthcallback.InvalidConfigurationException("oauth-callback.store.jdbc.table-name must "
					+ "be a plain SQL identifier, optionally schema-qualified (was '" + table + "').");
		}
		return table;
	}

	/**
	 * Spring Security's SQL names its table literally; a proxy rewrites that name in every statement.
	 */
	private static JdbcOperations renameTable(JdbcOperations jdbc, String table) {
		if (DEFAULT_TABLE_NAME.equals(table)) {
			return jdbc;
		}
		return (JdbcOperations) Proxy.newProxyInstance(JdbcTokenStore.class.getClassLoader(),
				new Class<?>[] { JdbcOperations.class }, (proxy, method, args) -> {
					if (args != null && args.length > 0 && args[0] instanceof String sql) {
						args[0] = SPRING_TABLE.matcher(sql).replaceAll(table);
					}
					try {
						return method.invoke(jdbc, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getTargetException();
					}
				});
	}

}

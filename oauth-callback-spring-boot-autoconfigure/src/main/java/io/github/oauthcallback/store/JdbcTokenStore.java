package io.github.oauthcallback.store;

import io.github.oauthcallback.store.TokenStore.LockedLogin;
import io.github.oauthcallback.internal.store.StoreLockedLogin;
import io.github.oauthcallback.internal.store.TokenTableSchema;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.internal.store.IssuedBy;
import io.github.oauthcallback.internal.store.LoginProtection;
import io.github.oauthcallback.internal.store.SealedLogin;
import io.github.oauthcallback.internal.store.StoreSettings;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.internal.Registrations;
import io.github.oauthcallback.TokenStoreException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataRetrievalFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AccessToken.TokenType;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;

/**
 * An {@link org.springframework.security.oauth2.client.OAuth2AuthorizedClientService} on Spring Security's
 * {@code oauth2_authorized_client} table, row-compatible with its
 * {@link org.springframework.security.oauth2.client.JdbcOAuth2AuthorizedClientService} (same columns and encodings:
 * token values as UTF-8 bytes, scopes comma-separated, instants as SQL timestamps), so either reads what the other
 * wrote on the default table, and made safe for several nodes sharing one database. It issues its own statements
 * (with {@link JdbcClient}), naming the configured table and the starter's extra columns; it never rewrites Spring's.
 * <ul>
 * <li>saves are atomic: update-then-insert runs in a transaction (a savepoint when one is already open), together
 * with the extra columns, and is retried when a concurrent node inserted the same key first (duplicate key) or a
 * lock conflict aborted it;</li>
 * <li>{@link #exclusively} runs in a transaction of its own that holds a row lock, waits at most the lock timeout,
 * and commits what the action did even when the action then fails for another reason (a refused refresh token is
 * removed for good);</li>
 * <li>a valid stored login is read from the database at most once per cache time-to-live, so a request with a stored
 * token does not query the database; saves and removals of this process take effect at once, those of other nodes
 * within the time-to-live, and reads through the {@link LockedLogin} of {@link #exclusively} always go to the
 * database;</li>
 * <li>with an encryption key, each login is sealed as one AES-GCM document ({@link SealedLogin}) in
 * {@code access_token_value}: token values, ID token, expiry, scopes, type, issuer, client id and token endpoint;
 * Spring Security's other columns stay filled for listing and must match it; a row that is not sealed (plaintext,
 * or in the {@code enc:v1} form of earlier versions) is refused ({@link io.github.oauthcallback.internal.store.PlaintextLoginException});</li>
 * <li>each row records the issuer, client id and token endpoint it was issued by (extra nullable {@code issuer},
 * {@code client_id}, {@code token_uri} columns), and a row of another provider or client is not used (a warning is
 * logged once); without a key, rows without them (written before they existed) are used with the current
 * registration and record it when next saved (with a key only sealed rows are used, and the seal holds them);</li>
 * <li>without a key, the ID token of OIDC logins is kept in an extra {@code id_token_value} column, but a login read
 * back is a plain {@link OAuth2AuthorizedClient}: nothing proves the stored ID token is the one validated at login;
 * </li>
 * <li>missing extra columns are skipped with a warning naming the {@code ALTER TABLE} that adds them;</li>
 * <li>the table name is configurable.</li>
 * </ul>
 */
public class JdbcTokenStore implements TokenStore {

	/** Spring Security's table name. */
	public static final String DEFAULT_TABLE_NAME = "oauth2_authorized_client";

	private static final Log logger = LogFactory.getLog(JdbcTokenStore.class);

	private static final int ATTEMPTS = 5;

	/** How long a login read from the database is used without reading it again, unless told otherwise. */
	public static final Duration DEFAULT_CACHE_TIME_TO_LIVE = Duration.ofSeconds(10);

	private static final String COLUMNS = "client_registration_id, principal_name, access_token_type, "
			+ "access_token_value, access_token_issued_at, access_token_expires_at, access_token_scopes, "
			+ "refresh_token_value, refresh_token_issued_at";

	/** The refresh token value of a sealed row: the refresh token itself is in the sealed document. */
	static final String SEALED_REFRESH_TOKEN = "enc:v2:sealed-with-the-access-token";

	private final JdbcOperations jdbc;

	private final JdbcClient sql;

	private final ClientRegistrationRepository registrations;

	private final LoginProtection protection;

	private final TransactionTemplate saves;

	private final TransactionTemplate exclusive;

	private final long cacheNanos;

	private final int lockTimeoutSeconds;

	private final Map<String, Cached> cache = new ConcurrentHashMap<>();

	private final String table;

	private final Supplier<String> location;

	private volatile @Nullable Columns columns;

	/**
	 * A store with the default cache time-to-live and lock timeout.
	 * @param jdbc the JDBC operations on the application's data source
	 * @param transactions transactions on the same data source: a {@link TransactionTemplate}
	 * @param registrations the client registrations
	 * @param cipher encrypts token values, or {@link TokenCipher#none()}
	 * @param table the table name (Spring Security's schema plus the starter's columns, {@link TokenTableSchema})
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
	 * @param table the table name (Spring Security's schema plus the starter's columns, {@link TokenTableSchema})
	 * @param location describes the database for messages (no credentials)
	 * @param cacheTimeToLive how long a login read from the database is used without reading it again;
	 * {@link Duration#ZERO} reads it on every request
	 * @param lockTimeout how long {@link #exclusively} waits for another node's row lock before failing
	 */
	public JdbcTokenStore(JdbcOperations jdbc, PlatformTransactionManager transactionManager,
			ClientRegistrationRepository registrations, TokenCipher cipher, String table, Supplier<String> location,
			Duration cacheTimeToLive, Duration lockTimeout) {
		StoreSettings.tableName(table);
		StoreSettings.cacheTimeToLive(cacheTimeToLive);
		StoreSettings.jdbcLockTimeout(lockTimeout);
		this.jdbc = jdbc;
		this.sql = JdbcClient.create(jdbc);
		this.registrations = registrations;
		this.protection = new LoginProtection(cipher, this::location, () -> "The token store (" + location() + ")");
		this.saves = new TransactionTemplate(transactionManager);
		this.saves.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		this.exclusive = new TransactionTemplate(transactionManager);
		this.exclusive.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.table = table;
		this.location = location;
		this.cacheNanos = cacheTimeToLive.toNanos();
		this.lockTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE, lockTimeout.toSeconds());
	}

	private static PlatformTransactionManager transactionManager(TransactionOperations transactions) {
		if (transactions instanceof TransactionTemplate template && template.getTransactionManager() != null) {
			return template.getTransactionManager();
		}
		throw new IllegalArgumentException("transactions must be a TransactionTemplate with a transaction manager");
	}

	/**
	 * Reads the login with its ID token in one statement. A login read less than the cache time-to-live ago is
	 * returned without a query; reads through the {@link LockedLogin} of {@link #exclusively} always query.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T extends OAuth2AuthorizedClient> @Nullable T loadAuthorizedClient(String clientRegistrationId,
			String principalName) {
		return (T) load(clientRegistrationId, principalName, false);
	}

	/**
	 * @param underLock whether the read is made under {@link #exclusively}: it then neither uses nor fills the cache
	 */
	private @Nullable OAuth2AuthorizedClient load(String clientRegistrationId, String principalName,
			boolean underLock) {
		String key = key(clientRegistrationId, principalName);
		if (!underLock && this.cacheNanos > 0) {
			Cached cached = this.cache.get(key);
			if (cached != null && System.nanoTime() - cached.readAt() < this.cacheNanos) {
				return cached.client();
			}
		}
		long readAt = System.nanoTime();
		Row row = database(() -> row(clientRegistrationId, principalName));
		OAuth2AuthorizedClient client = (row != null) ? resolve(row) : null;
		if (!underLock && client != null && this.cacheNanos > 0) {
			this.cache.put(key, new Cached(client, readAt));
		}
		return client;
	}

	@Override
	public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		Columns columns = database(this::columns);
		this.cache.remove(key(authorizedClient.getClientRegistration().getRegistrationId(), principal.getName()));
		for (int attempt = 1;; attempt++) {
			try {
				// A savepoint inside exclusively(): a failed attempt is undone alone and the retry can run.
				this.saves.executeWithoutResult((status) -> write(authorizedClient, principal.getName(), columns));
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
		database(() -> this.sql
			.sql("DELETE FROM " + this.table + " WHERE client_registration_id = ? AND principal_name = ?")
			.params(clientRegistrationId, principalName)
			.update());
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
	 * join it; reads through the {@link LockedLogin} the action is given query the database in that transaction.
	 * Without a stored row (a first login) there is no row to lock. When the action fails with anything but a
	 * database error, what it wrote is committed before the failure is rethrown: a refused refresh token it removed
	 * stays removed.
	 */
	@Override
	public <T extends @Nullable Object> T exclusively(String registrationId, String account,
			Function<? super LockedLogin, T> action) {
		database(this::columns);
		this.cache.remove(key(registrationId, account));
		LockedLogin locked = new StoreLockedLogin(this, registrationId, account, (id, name) -> load(id, name, true));
		try {
			Outcome<T> outcome = database(() -> this.exclusive.execute((status) -> {
				lockRow(registrationId, account);
				try {
					return new Outcome<>(action.apply(locked), null);
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
			}, (ResultSetExtractor<@Nullable Object>) (resultSet) -> null);
		}
		catch (DataAccessException ex) {
			throw failure("could not lock the login of '" + registrationId + "' for account '" + account
					+ "' within the store's lock timeout (" + this.lockTimeoutSeconds + " s; "
					+ ex.getClass().getSimpleName() + "): another node probably holds it while it refreshes the token "
					+ "or waits for a browser login. Try again once it is done, or raise the timeout", ex);
		}
	}

	private record Outcome<T extends @Nullable Object>(@Nullable T result, @Nullable RuntimeException failure) {

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

	/**
	 * The one-time {@code encrypt-plaintext} migration: seals every row of this
	 * application's registrations stored as plaintext (before encryption was turned on) or in the {@code enc:v1} form
	 * of older versions, trusting it as it is found, without its ID token (which is then not presented as validated).
	 * Each sealed row is logged at WARN. Rows of another provider or client, and rows that cannot be read or do not
	 * decrypt with the configured keys, are left as they are, each with a warning naming it and why.
	 * @return how many rows were sealed
	 */
	public int encryptPlaintext() {
		if (!this.protection.sealing()) {
			return 0;
		}
		int sealed = 0;
		for (StoredLogin login : logins()) {
			String id = login.registrationId();
			String account = login.account();
			Row row;
			SealedLogin stored;
			SealedLogin values;
			try {
				row = database(() -> row(id, account));
				if (row == null || isSealed(row.client())
						|| !this.protection.belongsTo(id, account, row.issuedBy(), row.client().getClientRegistration())) {
					continue;
				}
				stored = stored(row);
				values = this.protection.migrated(id, account, stored);
			}
			catch (TokenStoreException ex) {
				this.protection.logNotMigrated(id, account, ex.getMessage());
				continue;
			}
			ClientRegistration registration = row.client().getClientRegistration();
			saveAuthorizedClient(values.toClient(registration, account, true),
					UsernamePasswordAuthenticationToken.unauthenticated(account, null));
			this.protection.logMigrated(id, account, stored);
			sealed++;
		}
		return sealed;
	}

	/**
	 * One row as stored: Spring Security's columns as a client (values as stored), and the extra columns. Its
	 * {@link #toString()} shows no value.
	 */
	record Row(OAuth2AuthorizedClient client, @Nullable IssuedBy issuedBy, @Nullable String idToken) {

		@Override
		public String toString() {
			return "Row[" + this.client.getClientRegistration().getRegistrationId() + ", "
					+ this.client.getPrincipalName() + ", " + this.issuedBy + "]";
		}

	}

	private @Nullable Row row(String registrationId, String account) {
		Columns columns = columns();
		List<Row> found = this.jdbc.query("SELECT " + COLUMNS + (columns.idToken() ? ", id_token_value" : "")
				+ (columns.issuedBy() ? ", issuer, client_id, token_uri" : "") + " FROM " + this.table
				+ " WHERE client_registration_id = ? AND principal_name = ?", (resultSet, rowNumber) -> {
					OAuth2AuthorizedClient client = storedClient(resultSet, rowNumber);
					byte[] idToken = columns.idToken() ? resultSet.getBytes("id_token_value") : null;
					String clientId = columns.issuedBy() ? resultSet.getString("client_id") : null;
					IssuedBy issuedBy = (clientId != null) ? new IssuedBy(resultSet.getString("issuer"),
							resultSet.getString("token_uri"), clientId) : null;
					return new Row(client, issuedBy,
							(idToken != null) ? new String(idToken, StandardCharsets.UTF_8) : null);
				}, registrationId, account);
		return found.isEmpty() ? null : found.get(0);
	}

	/**
	 * @return the login a row holds, or {@code null} if it was issued by another provider or client
	 * @throws TokenStoreException if it cannot be decrypted, was altered, or is plaintext although a key is configured
	 */
	private @Nullable OAuth2AuthorizedClient resolve(Row row) {
		OAuth2AuthorizedClient raw = row.client();
		String id = raw.getClientRegistration().getRegistrationId();
		String account = raw.getPrincipalName();
		boolean sealed = isSealed(raw);
		boolean valuesOutsideSeal = sealed && (row.idToken() != null || (raw.getRefreshToken() != null
				&& !SEALED_REFRESH_TOKEN.equals(raw.getRefreshToken().getTokenValue())));
		// The instants are not compared: a database may store them in the node's time zone or round them; the sealed
		// ones are used.
		SealedLogin login = this.protection.read(id, account, stored(row),
				sealed ? raw.getAccessToken().getTokenValue() : null, valuesOutsideSeal, false);
		IssuedBy issuedBy = sealed ? login.issuedBy() : row.issuedBy();
		if (!this.protection.belongsTo(id, account, issuedBy, raw.getClientRegistration())) {
			return null;
		}
		return login.toClient(raw.getClientRegistration(), account, this.protection.sealing());
	}

	private static boolean isSealed(OAuth2AuthorizedClient raw) {
		String value = raw.getAccessToken().getTokenValue();
		return TokenCipher.isEncrypted(value) && !TokenCipher.isV1(value);
	}

	private static SealedLogin stored(Row row) {
		OAuth2AuthorizedClient raw = row.client();
		OAuth2AccessToken access = raw.getAccessToken();
		OAuth2RefreshToken refresh = raw.getRefreshToken();
		IssuedBy issuedBy = (row.issuedBy() != null) ? row.issuedBy() : new IssuedBy(null, null, null);
		return new SealedLogin(issuedBy.issuer(), issuedBy.tokenUri(), issuedBy.clientId(), access.getTokenValue(),
				access.getTokenType().getValue(), access.getIssuedAt(), access.getExpiresAt(), access.getScopes(),
				(refresh != null) ? refresh.getTokenValue() : null, (refresh != null) ? refresh.getIssuedAt() : null,
				null, row.idToken());
	}

	/**
	 * Updates the row, or inserts it if there is none, with Spring Security's columns (the sealed login with a key)
	 * and the extra columns the table has: the ID token (only without a key; with one it is in the sealed document)
	 * and who issued the login.
	 */
	private void write(OAuth2AuthorizedClient client, String account, Columns columns) {
		OAuth2AuthorizedClient stored = sealed(client, account);
		OAuth2AccessToken access = stored.getAccessToken();
		OAuth2RefreshToken refresh = stored.getRefreshToken();
		Map<String, Object> values = new java.util.LinkedHashMap<>();
		values.put("access_token_type", new SqlParameterValue(Types.VARCHAR, access.getTokenType().getValue()));
		values.put("access_token_value", bytes(access.getTokenValue()));
		values.put("access_token_issued_at", timestamp(access.getIssuedAt()));
		values.put("access_token_expires_at", timestamp(access.getExpiresAt()));
		values.put("access_token_scopes", new SqlParameterValue(Types.VARCHAR,
				access.getScopes().isEmpty() ? null : StringUtils.collectionToDelimitedString(access.getScopes(), ",")));
		values.put("refresh_token_value", bytes((refresh != null) ? refresh.getTokenValue() : null));
		values.put("refresh_token_issued_at", timestamp((refresh != null) ? refresh.getIssuedAt() : null));
		if (columns.idToken()) {
			values.put("id_token_value", bytes((!this.protection.sealing() && client instanceof OidcAuthorizedClient oidc
					&& oidc.getIdToken() != null) ? oidc.getIdToken().getTokenValue() : null));
		}
		if (columns.issuedBy()) {
			IssuedBy issuedBy = IssuedBy.of(client.getClientRegistration());
			values.put("issuer", new SqlParameterValue(Types.VARCHAR, issuedBy.issuer()));
			values.put("client_id", new SqlParameterValue(Types.VARCHAR, issuedBy.clientId()));
			values.put("token_uri", new SqlParameterValue(Types.VARCHAR, issuedBy.tokenUri()));
		}
		String id = client.getClientRegistration().getRegistrationId();
		List<Object> update = new ArrayList<>(values.values());
		update.add(id);
		update.add(account);
		int updated = this.sql.sql("UPDATE " + this.table + " SET "
				+ String.join(", ", values.keySet().stream().map((column) -> column + " = ?").toList())
				+ " WHERE client_registration_id = ? AND principal_name = ?")
			.params(update)
			.update();
		if (updated == 0) {
			List<Object> insert = new ArrayList<>();
			insert.add(new SqlParameterValue(Types.VARCHAR, id));
			insert.add(new SqlParameterValue(Types.VARCHAR, account));
			insert.addAll(values.values());
			this.sql.sql("INSERT INTO " + this.table + " (client_registration_id, principal_name, "
					+ String.join(", ", values.keySet()) + ") VALUES ("
					+ String.join(", ", insert.stream().map((value) -> "?").toList()) + ")")
				.params(insert)
				.update();
		}
	}

	/** A token value as Spring Security stores it: UTF-8 bytes. */
	private static SqlParameterValue bytes(@Nullable String value) {
		return new SqlParameterValue(Types.VARBINARY, (value != null) ? value.getBytes(StandardCharsets.UTF_8) : null);
	}

	private static SqlParameterValue timestamp(@Nullable Instant instant) {
		return new SqlParameterValue(Types.TIMESTAMP, (instant != null) ? Timestamp.from(instant) : null);
	}

	/**
	 * Reads Spring Security's columns as its {@code JdbcOAuth2AuthorizedClientService} does: the values as they are
	 * stored (sealed or not).
	 */
	private OAuth2AuthorizedClient storedClient(ResultSet resultSet, int rowNumber) throws SQLException {
		String id = resultSet.getString("client_registration_id");
		ClientRegistration registration = this.registrations.findByRegistrationId(id);
		if (registration == null) {
			throw new DataRetrievalFailureException("The ClientRegistration with id '" + id + "' exists in the data "
					+ "source, however, it was not found in the ClientRegistrationRepository.");
		}
		String storedType = resultSet.getString("access_token_type");
		TokenType type = TokenType.BEARER.getValue().equalsIgnoreCase(storedType) ? TokenType.BEARER
				: TokenType.DPOP.getValue().equalsIgnoreCase(storedType) ? TokenType.DPOP : new TokenType(storedType);
		String scopes = resultSet.getString("access_token_scopes");
		OAuth2AccessToken access = new OAuth2AccessToken(type, text(resultSet.getBytes("access_token_value")),
				resultSet.getTimestamp("access_token_issued_at").toInstant(),
				resultSet.getTimestamp("access_token_expires_at").toInstant(),
				(scopes != null) ? StringUtils.commaDelimitedListToSet(scopes) : Set.of());
		byte[] refreshValue = resultSet.getBytes("refresh_token_value");
		OAuth2RefreshToken refresh = null;
		if (refreshValue != null) {
			Timestamp issuedAt = resultSet.getTimestamp("refresh_token_issued_at");
			refresh = new OAuth2RefreshToken(text(refreshValue), (issuedAt != null) ? issuedAt.toInstant() : null);
		}
		return new OAuth2AuthorizedClient(registration, resultSet.getString("principal_name"), access, refresh);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/** Which of the starter's extra columns the table has. */
	private record Columns(boolean idToken, boolean issuedBy) {

	}

	/**
	 * Which extra columns the table has, from the metadata of a query that cannot fail on a table without them (a
	 * failed statement would abort a PostgreSQL transaction). Missing ones are reported once, with the statements
	 * that add them.
	 */
	private Columns columns() {
		Columns known = this.columns;
		if (known == null) {
			Set<String> present = TokenTableSchema.columns(this.jdbc, this.table);
			known = new Columns(present.contains("id_token_value"),
					present.containsAll(TokenTableSchema.ISSUED_BY_COLUMNS));
			List<String> missing = TokenTableSchema.missingColumns(present);
			if (!missing.isEmpty()) {
				logger.warn("The token table " + this.table + " has no " + String.join(", ", missing) + " column"
						+ ((missing.size() > 1) ? "s" : "") + ", so " + (known.idToken() ? ""
								: "ID tokens of OpenID Connect logins are not stored" + (known.issuedBy() ? "" : ", and "))
						+ (known.issuedBy() ? "" : "the provider and client a login was issued by are "
								+ (this.protection.sealing() ? "only in its sealed copy" : "not recorded, so a "
										+ "registration pointed at another provider would send it the stored tokens"))
						+ ". Add them (docs/storage.md): "
						+ String.join("; ", TokenTableSchema.alterStatements(TokenTableSchema.driver(this.jdbc), this.table,
								missing)));
			}
			this.columns = known;
		}
		return known;
	}

	/**
	 * With a key, Spring Security's parameters carry the sealed login as the access token value and a marker as the
	 * refresh token value (so listings can tell a refresh token exists); the values themselves are only in the
	 * sealed document.
	 */
	private OAuth2AuthorizedClient sealed(OAuth2AuthorizedClient client, String account) {
		if (!this.protection.sealing()) {
			return client;
		}
		String id = client.getClientRegistration().getRegistrationId();
		OAuth2AccessToken access = client.getAccessToken();
		OAuth2RefreshToken refresh = client.getRefreshToken();
		return new OAuth2AuthorizedClient(client.getClientRegistration(), account,
				new OAuth2AccessToken(access.getTokenType(),
						this.protection.seal(id, account, SealedLogin.of(client)), access.getIssuedAt(),
						access.getExpiresAt(), access.getScopes()),
				(refresh != null) ? new OAuth2RefreshToken(SEALED_REFRESH_TOKEN, refresh.getIssuedAt(),
						refresh.getExpiresAt()) : null);
	}

	private <T extends @Nullable Object> T database(Supplier<T> action) {
		try {
			return action.get();
		}
		catch (DataAccessException ex) {
			throw failure("cannot be used (" + ex.getClass().getSimpleName() + "). Check the database connection and "
					+ "that the table exists: let the starter initialize the schema, or create it with the shipped "
					+ "scripts (docs/storage.md)", ex);
		}
	}

	private TokenStoreException failure(String problem, Throwable cause) {
		return new TokenStoreException(location(), "The token store (" + location() + ") " + problem + ".", cause);
	}

}

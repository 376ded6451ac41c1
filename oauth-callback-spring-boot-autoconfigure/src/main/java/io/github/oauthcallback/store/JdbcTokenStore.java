package io.github.oauthcallback.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
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
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.JdbcOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.util.StringUtils;

/**
 * Spring Security's {@link JdbcOAuth2AuthorizedClientService}, made safe for several nodes sharing one database:
 * <ul>
 * <li>saves are atomic: Spring's update-then-insert runs in a transaction, together with the ID token, and is retried
 * when a concurrent node inserted the same key first (duplicate key) or a lock conflict aborted it;</li>
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

	private final JdbcOperations jdbc;

	private final ClientRegistrationRepository registrations;

	private final TokenCipher cipher;

	private final TransactionOperations transactions;

	private final String table;

	private final Supplier<String> location;

	private volatile Boolean idTokenColumn;

	/**
	 * @param jdbc the JDBC operations on the application's data source
	 * @param transactions transactions on the same data source
	 * @param registrations the client registrations
	 * @param cipher encrypts token values, or {@link TokenCipher#none()}
	 * @param table the table name (Spring Security's schema plus an {@code id_token_value} column)
	 * @param location describes the database for messages (no credentials)
	 */
	public JdbcTokenStore(JdbcOperations jdbc, TransactionOperations transactions,
			ClientRegistrationRepository registrations, TokenCipher cipher, String table, Supplier<String> location) {
		super(renameTable(jdbc, validTableName(table)), registrations);
		this.jdbc = this.jdbcOperations;
		this.registrations = registrations;
		this.cipher = cipher;
		this.transactions = transactions;
		this.table = table;
		this.location = location;
		OAuth2AuthorizedClientParametersMapper parameters = new OAuth2AuthorizedClientParametersMapper();
		setAuthorizedClientParametersMapper((holder) -> parameters
			.apply(new OAuth2AuthorizedClientHolder(sealed(holder.getAuthorizedClient(), holder.getPrincipal().getName()),
					holder.getPrincipal())));
		OAuth2AuthorizedClientRowMapper rows = new OAuth2AuthorizedClientRowMapper(registrations);
		setAuthorizedClientRowMapper((resultSet, rowNumber) -> opened(rows.mapRow(resultSet, rowNumber)));
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId, String principalName) {
		OAuth2AuthorizedClient client = database(() -> super.loadAuthorizedClient(clientRegistrationId, principalName));
		if (client == null || !hasIdTokenColumn()) {
			return (T) client;
		}
		List<byte[]> idTokens = database(() -> this.jdbc.query(
				"SELECT id_token_value FROM " + this.table + " WHERE client_registration_id = ? AND principal_name = ?",
				(resultSet, row) -> resultSet.getBytes(1), clientRegistrationId, principalName));
		if (idTokens.isEmpty() || idTokens.get(0) == null) {
			return (T) client;
		}
		String idToken = open(new String(idTokens.get(0), StandardCharsets.UTF_8),
				FileTokenStore.context(clientRegistrationId, principalName, "id_token"));
		return (T) new OidcAuthorizedClient(client.getClientRegistration(), principalName, client.getAccessToken(),
				client.getRefreshToken(), IdTokens.parse(idToken));
	}

	@Override
	public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		// Probed outside the transaction: a failed statement aborts a PostgreSQL transaction.
		boolean idTokens = database(this::hasIdTokenColumn);
		for (int attempt = 1;; attempt++) {
			try {
				this.transactions.executeWithoutResult((status) -> {
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
	 * Runs the action in a transaction that holds a row lock ({@code SELECT ... FOR UPDATE}) on the stored login, so
	 * nodes sharing the database refresh one at a time; the save inside joins the transaction. Without a stored row
	 * (a first login) there is nothing to lock.
	 */
	@Override
	public <T> T exclusively(String registrationId, String account, Supplier<T> action) {
		return database(() -> this.transactions.execute((status) -> {
			this.jdbc.query("SELECT principal_name FROM " + this.table
					+ " WHERE client_registration_id = ? AND principal_name = ? FOR UPDATE", (resultSet) -> null,
					registrationId, account);
			return action.get();
		}));
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

	private boolean hasIdTokenColumn() {
		Boolean known = this.idTokenColumn;
		if (known == null) {
			try {
				this.jdbc.query("SELECT id_token_value FROM " + this.table + " WHERE 1 = 0", (resultSet) -> null);
				known = true;
			}
			catch (BadSqlGrammarException ex) {
				known = false;
				logger.warn("The token table " + this.table + " has no id_token_value column, so ID tokens of OpenID "
						+ "Connect logins are not stored. Add it as docs/storage.md shows (for example: ALTER TABLE "
						+ this.table + " ADD id_token_value BLOB).");
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

	private static String validTableName(String table) {
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

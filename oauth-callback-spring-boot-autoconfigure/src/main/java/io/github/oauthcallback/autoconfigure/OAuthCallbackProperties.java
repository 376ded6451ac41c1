package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.internal.Accounts;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.internal.Registrations;
import io.github.oauthcallback.internal.Origin;
import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.SecureUris;
import io.github.oauthcallback.internal.environment.LoginMode;
import io.github.oauthcallback.internal.progress.ProgressStyle;
import io.github.oauthcallback.internal.browser.BrowserUris;
import io.github.oauthcallback.internal.loopback.CallbackPages;
import io.github.oauthcallback.internal.mcp.McpServerUrls;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.internal.refresh.Interactivity;
import io.github.oauthcallback.internal.store.EncryptionKeyException;
import io.github.oauthcallback.internal.store.EncryptionKeys;
import io.github.oauthcallback.internal.store.keychain.Keychains;
import io.github.oauthcallback.store.JdbcTokenStore;
import io.github.oauthcallback.internal.store.StoreSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.StringUtils;

/**
 * Settings of the loopback login, under {@code oauth-callback}. Providers themselves are declared with Spring Boot's
 * {@code spring.security.oauth2.client.registration.*} and {@code provider.*} properties. Every value is checked here,
 * when it is bound; an invalid one fails start-up with an {@link InvalidConfigurationPropertyValueException} that names
 * the property, the value and what is valid. Where a domain class checks the same value (the listener, the pages, the
 * stores, the keys), its check is the one that runs: {@link #checked} reports its refusal as the property's.
 *
 * @param login The interactive login: account, timeout, how it reaches the user (mode, browser), whether a login may
 * start on its own, and what the authorization request carries.
 * @param listener The loopback listener that receives the redirect.
 * @param tokenEndpoint Calls to the provider's token endpoint, for every grant (authorization code, refresh token,
 * client credentials).
 * @param store Where logins are kept between runs.
 * @param refresh Refresh of stored tokens.
 * @param clients RestClient beans, by name, that send the token of a registration: each entry has 'registration',
 * 'base-url' and optionally 'account', and becomes a bean named after the entry followed by 'RestClient'.
 * @param shell Spring Shell commands.
 * @param discovery Discovery of providers given by issuer-uri.
 * @param logout What a logout does besides removing the stored login.
 * @param registrations Settings of a registration (by its spring.security.oauth2.client.registration id) that Spring
 * Boot's provider properties have no place for: 'revocation-uri', the provider's revocation endpoint (RFC 7009) when
 * its discovery metadata has no revocation_endpoint or the provider is not discovered, an absolute https URI (http only
 * for a loopback host); 'device-authorization-uri', the provider's device authorization endpoint (RFC 8628) for
 * device logins, which defaults to the device_authorization_endpoint of the provider's discovery document;
 * 'resource', the RFC 8707 resource indicator (an absolute URI without fragment) sent as 'resource' on the
 * registration's authorization requests, code exchanges, refreshes and device requests.
 * @param mcp Authorization of MCP servers (MCP authorization specification 2025-11-25) for the MCP Java SDK's
 * transports, when the SDK is on the classpath.
 */
@ConfigurationProperties("oauth-callback")
public record OAuthCallbackProperties(@DefaultValue Login login, @DefaultValue Listener listener,
		@DefaultValue TokenEndpoint tokenEndpoint, @DefaultValue Store store, @DefaultValue Refresh refresh,
		Map<String, Client> clients, @DefaultValue Shell shell, @DefaultValue Discovery discovery,
		@DefaultValue Logout logout, Map<String, Registration> registrations, @DefaultValue Mcp mcp) {

	private static final String PREFIX = "oauth-callback.";

	/** Shown instead of a key in a failure: keys are secrets. */
	static final String HIDDEN = "(hidden)";

	public OAuthCallbackProperties {
		clients = Client.checked(clients);
		registrations = Registration.checked(registrations);
		if (mcp != null) {
			mcp.checkResources(registrations);
		}
	}

	/**
	 * @return the configured device authorization endpoints, by registration id
	 */
	public Map<String, URI> deviceAuthorizationUris() {
		return Registration.endpoints(this.registrations, Registration::deviceAuthorizationUri);
	}

	/**
	 * Runs a domain class's check of a value and reports its refusal as the property's.
	 * @param <T> what the check returns
	 * @param name the property, under {@code oauth-callback.}
	 * @param shown the value as the failure shows it (never a secret)
	 * @param check the domain check, throwing {@link IllegalArgumentException} with what is wrong and what is valid
	 * @return what the check returned
	 * @throws InvalidConfigurationPropertyValueException if the check refused the value
	 */
	static <T> T checked(String name, @Nullable Object shown, Supplier<T> check) {
		try {
			return check.get();
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + name, shown, ex.getMessage());
		}
	}

	static void requirePositive(String name, Duration value, String reason) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + name, value, "It must be positive: "
					+ reason);
		}
	}

	/**
	 * The interactive login.
	 *
	 * @param account Account (principal name) that logins are stored under when a call names none. Defaults to the
	 * operating-system user name.
	 * @param timeout How long a login waits for the user to finish in the browser. Must be positive.
	 * @param mode How a login reaches the user: 'auto' (picks from the run: terminal, SSH without a forwarded display,
	 * WSL, CI, whether a browser can be opened; and says what it chose), 'browser' (open the browser), 'paste' (print
	 * the URL and wait for the address the browser ended on to be pasted; the listener still runs) or 'device' (the
	 * device authorization grant, where the application offers it). In a terminal, every way but 'device' also
	 * accepts the pasted address.
	 * @param browser Which launcher opens the browser when the login opens one: 'auto' (BROWSER variable, then
	 * java.awt.Desktop, then the OS opener), 'print' (never open one: with mode 'auto' the login prints the URL and
	 * waits for the browser's redirect or a paste), or a command line that gets the URL as last argument. The URL is
	 * always printed.
	 * @param interactive Whether a needed login may open a browser: 'auto' (when a terminal is attached and no CI
	 * marker such as CI=true is set), 'always' or 'never' (fail fast with ReauthorizationRequiredException).
	 * @param command How users log in interactively, quoted in the error a non-interactive run gives when it needs a
	 * login; {registration} and {account} are replaced.
	 * @param authorizationParameters Extra authorization request parameters by registration id, for example
	 * 'login.authorization-parameters.google.access_type=offline'. Parameters the starter sets itself or that would
	 * change the flow (state, nonce, PKCE, scope, login_hint, prompt, response_type, response_mode, request,
	 * request_uri, ...; compared ignoring case) cannot be set this way.
	 * @param revokeReplaced Whether a new login through the client manager (the 'login' command) revokes, at the
	 * provider's revocation endpoint, the refresh token of the stored login it replaces. Best effort, after the new login
	 * is stored: a failure is logged as a warning.
	 * @param progress How a waiting login (browser or device) shows the time left until its timeout: 'auto' (one line
	 * rewritten in place when standard error is a terminal, TERM is not 'dumb' and no CI marker is set; else a plain
	 * line every 30 s), 'terminal', 'plain' or 'off'. Every line says that Ctrl-C cancels the login.
	 */
	public record Login(@Nullable String account, @DefaultValue("5m") Duration timeout,
			@DefaultValue("auto") String mode, @DefaultValue("auto") String browser,
			@DefaultValue("auto") Interactivity interactive, @DefaultValue("login {registration}") String command,
			Map<String, Map<String, String>> authorizationParameters, @DefaultValue("true") boolean revokeReplaced,
			@DefaultValue("auto") String progress) {

		public Login {
			checked("login.timeout", timeout, () -> AuthorizationOptions.requirePositiveTimeout(timeout));
			String given = mode;
			LoginMode chosen = checked("login.mode", given, () -> LoginMode.parse(given));
			mode = chosen.value();
			if (chosen == LoginMode.BROWSER && "print".equalsIgnoreCase((browser != null) ? browser.trim() : null)) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "login.mode", mode, "It asks to open "
						+ "the browser, and oauth-callback.login.browser=print says never to open one. Set the mode to "
						+ "'paste' (print the URL and accept the address the browser ended on) or 'auto', or set "
						+ "oauth-callback.login.browser to 'auto' or a command.");
			}
			authorizationParameters = (authorizationParameters != null) ? Map.copyOf(authorizationParameters)
					: Map.of();
			String givenProgress = progress;
			progress = checked("login.progress", givenProgress, () -> ProgressStyle.parse(givenProgress)).value();
		}

		/**
		 * @return the account logins are stored under when a call names none: {@link #account()}, else the
		 * operating-system user name
		 */
		public String accountOrUserName() {
			return Accounts.defaultAccount(this.account);
		}

	}

	/**
	 * The loopback listener. A registration's own loopback redirect-uri (host, port, path) takes precedence.
	 *
	 * @param host Loopback host to bind and put in the redirect URI: 127.0.0.1, [::1], or localhost (binds 127.0.0.1
	 * and ::1 on the same port). Never a wildcard address.
	 * @param path Path of the callback; only this exact path can finish a login.
	 * @param ports Ordered candidate ports, for providers that only accept registered ports. Empty means an
	 * ephemeral port.
	 * @param pages Pages the listener answers with.
	 */
	public record Listener(@DefaultValue("127.0.0.1") String host, @DefaultValue("/callback") String path,
			List<Integer> ports, @DefaultValue Pages pages) {

		public Listener {
			String given = host;
			host = checked("listener.host", given, () -> ListenerSettings.loopbackHost(given));
			checked("listener.path", path, () -> ListenerSettings.callbackPath(path));
			List<Integer> candidates = ports;
			ports = checked("listener.ports", candidates, () -> ListenerSettings.candidatePorts(candidates));
		}

	}

	/**
	 * Static pages shown in the browser. They never reflect request input.
	 *
	 * @param success Resource location of the page shown after a successful login.
	 * @param error Resource location of the page shown when the login failed.
	 * @param badRequest Resource location of the page shown for requests that are not the expected callback.
	 * @param successRedirectUri Absolute http(s) URL the browser is redirected to after a successful login, instead
	 * of the success page.
	 */
	public record Pages(@DefaultValue(CallbackPages.DEFAULT_SUCCESS) String success,
			@DefaultValue(CallbackPages.DEFAULT_ERROR) String error,
			@DefaultValue(CallbackPages.DEFAULT_BAD_REQUEST) String badRequest, @Nullable String successRedirectUri) {

		/** Reads the pages here as the listener's auto-configuration does, to check that they can be read. */
		private static final ResourceLoader RESOURCES = new DefaultResourceLoader();

		public Pages {
			readable("listener.pages.success", success, "success page");
			readable("listener.pages.error", error, "error page");
			readable("listener.pages.bad-request", badRequest, "bad-request page");
			checked("listener.pages.success-redirect-uri", SafeText.providerText(successRedirectUri),
					() -> CallbackPages.successRedirect(successRedirectUri));
		}

		private static void readable(String name, String location, String page) {
			checked(name, location, () -> CallbackPages.read(RESOURCES, location, page));
		}

	}

	/**
	 * Calls to the provider's token endpoint, for every grant: the authorization code exchange, refresh and client
	 * credentials.
	 *
	 * @param connectTimeout Connect timeout for token endpoint calls.
	 * @param readTimeout Read timeout for token endpoint calls.
	 * @param retry Retries of a token request that fails for a transient reason.
	 */
	public record TokenEndpoint(@DefaultValue("10s") Duration connectTimeout,
			@DefaultValue("30s") Duration readTimeout, @DefaultValue Retry retry) {

		public TokenEndpoint {
			requirePositive("token-endpoint.connect-timeout", connectTimeout,
					"it is how long a token request waits to connect, for example 10s (the default).");
			requirePositive("token-endpoint.read-timeout", readTimeout,
					"it is how long a token request waits for the answer, for example 30s (the default).");
		}

	}

	/**
	 * Retries of a token request (refresh or client credentials) that fails for a transient reason: the token
	 * endpoint cannot be reached, answers 429, 500, 502, 503 or 504, or the connection fails after the request was sent
	 * (that last case is sent once more at most).
	 *
	 * @param attempts Attempts in all (1 to 10), the first included, so 1 turns retries off.
	 * @param backoff Wait before the second attempt (at most 1m); it doubles after each further failure, with random
	 * jitter of up to half of it.
	 * @param maxBackoff Longest wait between two attempts (at most 5m, at least backoff), also for a Retry-After sent
	 * by the server.
	 */
	public record Retry(@DefaultValue("3") int attempts, @DefaultValue("500ms") Duration backoff,
			@DefaultValue("30s") Duration maxBackoff) {

		static final int MAX_ATTEMPTS = 10;

		static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

		static final Duration MAX_MAX_BACKOFF = Duration.ofMinutes(5);

		private static final String RETRY = PREFIX + "token-endpoint.retry.";

		public Retry {
			if (attempts < 1 || attempts > MAX_ATTEMPTS) {
				throw new InvalidConfigurationPropertyValueException(RETRY + "attempts", attempts, "It must be "
						+ "between 1 and " + MAX_ATTEMPTS + ": it counts every attempt of one token request, the "
						+ "first included, so 1 turns retries off.");
			}
			if (backoff == null || backoff.isNegative() || backoff.compareTo(MAX_BACKOFF) > 0) {
				throw new InvalidConfigurationPropertyValueException(RETRY + "backoff", backoff, "It must be between "
						+ "0 and 1m: it is the wait before the second attempt and doubles after that, up to "
						+ RETRY + "max-backoff.");
			}
			if (maxBackoff == null || maxBackoff.compareTo(backoff) < 0
					|| maxBackoff.compareTo(MAX_MAX_BACKOFF) > 0) {
				throw new InvalidConfigurationPropertyValueException(RETRY + "max-backoff", maxBackoff, "It must be "
						+ "at least " + RETRY + "backoff (" + backoff + ") and at most 5m: it caps each wait between "
						+ "two attempts.");
			}
		}

	}

	/**
	 * Where logins are kept between runs. A user-defined OAuth2AuthorizedClientService bean replaces all of this.
	 *
	 * @param type Which store keeps logins: 'file' (a JSON file per user and application), 'jdbc' (Spring
	 * Security's table on the application's DataSource) or 'memory' (this process only).
	 * @param file The file store.
	 * @param jdbc The JDBC store.
	 * @param encryption Encryption at rest of token values (AES-256-GCM), for the file and JDBC stores.
	 * @param lockTimeout How long to wait for another process or node that holds the lock on a stored login (it may
	 * be waiting for a browser login) before failing with an error.
	 */
	public record Store(@DefaultValue("file") StoreType type, @DefaultValue File file, @DefaultValue Jdbc jdbc,
			@DefaultValue Encryption encryption, @DefaultValue("10m") Duration lockTimeout) {

		public Store {
			checked("store.lock-timeout", lockTimeout, () -> (type == StoreType.JDBC)
					? StoreSettings.jdbcLockTimeout(lockTimeout) : StoreSettings.fileLockTimeout(lockTimeout));
			if (encryption != null && encryption.keySource() == KeySource.KEYCHAIN && type != StoreType.FILE) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "store.encryption.key-source",
						"keychain", "A key in the OS keychain is for the file store only, and store.type is "
								+ type.name().toLowerCase(java.util.Locale.ROOT) + ((type == StoreType.JDBC)
										? ": every node of a JDBC store needs the same key, and a keychain holds it "
												+ "for one user on one machine. Give the key with "
												+ PREFIX + "store.encryption.key or key-file instead."
										: ", which keeps nothing on disk to encrypt. Remove key-source=keychain."));
			}
		}

	}

	/**
	 * Which store keeps logins.
	 */
	public enum StoreType {

		/** A JSON file per user and application. */
		FILE,

		/** Spring Security's table on the application's DataSource. */
		JDBC,

		/** This process only. */
		MEMORY

	}

	/**
	 * The file store.
	 *
	 * @param path Token file. Defaults to tokens.json in a folder named after spring.application.name (else
	 * 'oauth-callback') under $XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support on macOS, and
	 * %APPDATA% on Windows.
	 */
	public record File(@Nullable Path path) {

		public File {
			if (path != null) {
				checked("store.file.path", path, () -> StoreSettings.tokenFile(path));
			}
		}

	}

	/**
	 * The JDBC store.
	 *
	 * @param initializeSchema When to create the table (and add the starter's columns to an existing one) with the
	 * scripts shipped in the starter: 'embedded' (only for in-memory H2, HSQLDB or Derby, as Spring Boot's
	 * spring.sql.init.mode decides), 'always' (if it does not exist) or 'never' (the table comes from your migrations).
	 * @param tableName Name of the table (Spring Security's oauth2_authorized_client schema plus the id_token_value,
	 * issuer, client_id and token_uri columns).
	 * @param cacheTimeToLive How long a login read from the database is used without reading it again, so requests
	 * with a stored token do not query the database. Changes made by this process apply at once, those of other
	 * nodes within this time; refreshes always read the database. 0 reads it on every request.
	 */
	public record Jdbc(@DefaultValue("embedded") DatabaseInitializationMode initializeSchema,
			@DefaultValue(JdbcTokenStore.DEFAULT_TABLE_NAME) String tableName,
			@DefaultValue("10s") Duration cacheTimeToLive) {

		public Jdbc {
			checked("store.jdbc.table-name", tableName, () -> StoreSettings.tableName(tableName));
			checked("store.jdbc.cache-time-to-live", cacheTimeToLive,
					() -> StoreSettings.cacheTimeToLive(cacheTimeToLive));
		}

	}

	/**
	 * Encryption at rest with AES-256-GCM: with a key, each stored login (token values, expiry, scopes, issuer, client
	 * id) is sealed as one authenticated document, and a plaintext login is refused. Without a key, logins are stored
	 * as plaintext.
	 *
	 * @param keySource Where the current key comes from: 'property' (key or key-file; neither means no encryption)
	 * or 'keychain' (the OS credential store: Secret Service on Linux, the macOS keychain, the Windows Credential
	 * Manager; a random key is created there on first use, and the keychain is reached when the store is created).
	 * 'keychain' is for the file store only.
	 * @param key Current 256-bit key, base64 (for example from an environment variable:
	 * OAUTH_CALLBACK_STORE_ENCRYPTION_KEY). Generate one with 'openssl rand -base64 32'.
	 * @param keyFile File holding the current key as base64; it must be readable by its owner only (0600).
	 * @param keychain The OS keychain item holding the current key, with key-source=keychain.
	 * @param previousKeys Older keys, base64, still accepted for reading while rotating; new writes use the current
	 * key.
	 * @param encryptPlaintext One-time migration: at start-up, seal the logins stored as plaintext (before a key was
	 * configured) or in the enc:v1 form of earlier versions, trusting them as found and dropping their ID tokens,
	 * instead of refusing them. Set it for one run after turning encryption on or upgrading, then remove it: while it
	 * is set, every start warns, and a plaintext login planted in the store would be accepted. Default false.
	 */
	public record Encryption(@DefaultValue("property") KeySource keySource, @Nullable String key,
			@Nullable Path keyFile, @DefaultValue Keychain keychain, List<String> previousKeys,
			@DefaultValue("false") boolean encryptPlaintext) {

		private static final String ENCRYPTION = "store.encryption.";

		public Encryption {
			previousKeys = (previousKeys != null) ? List.copyOf(previousKeys) : List.of();
			boolean keyed;
			try {
				if (keySource == KeySource.KEYCHAIN) {
					// The keychain itself is reached when the store is created, not while binding.
					if ((key != null && !key.isBlank()) || keyFile != null) {
						throw new InvalidConfigurationPropertyValueException(PREFIX + ENCRYPTION + "key-source",
								"keychain", "The current key is then kept in the OS keychain, and "
										+ ((keyFile != null) ? PREFIX + ENCRYPTION + "key-file" : PREFIX + ENCRYPTION
												+ "key")
										+ " is set too: remove it (to keep reading logins sealed with it while moving "
										+ "to the keychain, give it as " + PREFIX + ENCRYPTION + "previous-keys).");
					}
					EncryptionKeys.previous(previousKeys);
					keyed = true;
				}
				else {
					keyed = EncryptionKeys.cipher(key, keyFile, previousKeys).encrypting();
				}
			}
			catch (EncryptionKeyException ex) {
				throw switch (ex.getSource()) {
					case KEY -> refused("key", HIDDEN, ex);
					case KEY_FILE -> refused("key-file", keyFile, ex);
					case PREVIOUS_KEYS -> refused("previous-keys", HIDDEN, ex);
					case KEYCHAIN -> refused("key-source", keySource, ex);
				};
			}
			if (encryptPlaintext && !keyed) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + ENCRYPTION + "encrypt-plaintext", true,
						"The migration seals stored logins with the current key, and none is configured: set "
								+ PREFIX + ENCRYPTION + "key (or key-file, or key-source=keychain) too, or remove "
								+ "it.");
			}
		}

		private static InvalidConfigurationPropertyValueException refused(String name, @Nullable Object shown,
				EncryptionKeyException ex) {
			return new InvalidConfigurationPropertyValueException(PREFIX + ENCRYPTION + name, shown, ex.getMessage());
		}

		@Override
		public String toString() {
			return "Encryption[keySource=" + this.keySource + ", key=" + ((this.key != null) ? "(set)" : "(none)")
					+ ", keyFile=" + this.keyFile + ", keychain=" + this.keychain + ", previousKeys="
					+ ((this.previousKeys != null) ? this.previousKeys.size() : 0) + ", encryptPlaintext="
					+ this.encryptPlaintext + "]";
		}

	}

	/**
	 * Where the current encryption key comes from.
	 */
	public enum KeySource {

		/** The key or key-file property (neither: no encryption). */
		PROPERTY,

		/** The OS credential store, a random key created there on first use. */
		KEYCHAIN

	}

	/**
	 * The OS keychain item that holds the current key (key-source=keychain). It holds the key as base64 text, never
	 * the tokens.
	 *
	 * @param service Service name of the item (on Windows, the first part of the credential's name). At most 128
	 * characters, not starting with '-', without quotes, backslashes or control characters.
	 * @param account Account name of the item. Defaults to spring.application.name, else 'oauth-callback', so each
	 * application has its own key. At most 128 characters, not starting with '-', without quotes, backslashes or control
	 * characters.
	 */
	public record Keychain(@DefaultValue("oauth-callback") String service, @Nullable String account) {

		public Keychain {
			checked("store.encryption.keychain.service", service, () -> Keychains.quotable(service, "service"));
			if (account != null) {
				checked("store.encryption.keychain.account", account, () -> Keychains.quotable(account, "account"));
			}
		}

	}

	/**
	 * Refresh of stored tokens. Retries of the refresh request are set under token-endpoint.retry.
	 *
	 * @param clockSkew How long before its expiry an access token is treated as expired and refreshed.
	 * @param lifetimeWhenUnknown Lifetime given to an access token whose token response has no expires_in (Spring
	 * Security would give it one second). The default treats it as valid until a resource server refuses it with 401.
	 * @param scheduled Refresh ahead of expiry on a schedule, for long-running shells and daemons.
	 */
	public record Refresh(@DefaultValue("60s") Duration clockSkew,
			@DefaultValue("3650d") Duration lifetimeWhenUnknown, @DefaultValue Scheduled scheduled) {

		public Refresh {
			if (clockSkew == null || clockSkew.isNegative()) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "refresh.clock-skew", clockSkew,
						"It must not be negative; the default is 60s.");
			}
			requirePositive("refresh.lifetime-when-unknown", lifetimeWhenUnknown,
					"it is the lifetime given to an access token whose token response has no expires_in.");
		}

	}

	/**
	 * Scheduled refresh.
	 *
	 * @param enabled Whether stored tokens are refreshed on a schedule.
	 * @param interval Time between two sweeps over the stored logins (more than 0).
	 * @param window Tokens expiring within this window are refreshed.
	 * @param concurrency How many refreshes run at once (1 to 64).
	 */
	public record Scheduled(@DefaultValue("false") boolean enabled, @DefaultValue("1m") Duration interval,
			@DefaultValue("5m") Duration window, @DefaultValue("4") int concurrency) {

		public Scheduled {
			requirePositive("refresh.scheduled.interval", interval,
					"it is the time between two sweeps over the stored logins, for example 1m (the default).");
			if (window == null || window.isNegative()) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "refresh.scheduled.window", window,
						"It must not be negative; the default is 5m.");
			}
			if (concurrency < 1 || concurrency > 64) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "refresh.scheduled.concurrency",
						concurrency, "It must be between 1 and 64.");
			}
		}

	}

	/**
	 * Discovery of providers given by {@code spring.security.oauth2.client.provider.<id>.issuer-uri}.
	 *
	 * @param timeout How long start-up waits in all for one provider's discovery (up to three addresses) before it
	 * uses older cached metadata or fails; also the connect and read timeout of each discovery request for which
	 * spring.http.clients.connect-timeout and read-timeout set none.
	 * @param cache Cache of the discovered provider metadata, so that a start with a stored login makes no
	 * discovery call.
	 */
	public record Discovery(@DefaultValue("30s") Duration timeout, @DefaultValue Cache cache) {

		public Discovery {
			requirePositive("discovery.timeout", timeout, "it is how long start-up waits for a provider's "
					+ "discovery document. Use a duration such as 30s (the default) or 2m.");
		}

		/**
		 * Cache of discovered provider metadata: one owner-only JSON file per provider.
		 *
		 * @param enabled Whether discovered metadata is cached. When false, every provider given by issuer-uri is
		 * discovered at every start (once per provider) and nothing is written.
		 * @param timeToLive How long cached metadata is used before the provider is discovered again. 0 discovers
		 * at every start; the cache then only stands in when the provider cannot be reached or answers with a
		 * server error.
		 * @param directory Folder of the cache files. Defaults to a 'discovery' folder next to the token file
		 * (oauth-callback.store.file.path or its default), whichever store keeps the logins.
		 */
		public record Cache(@DefaultValue("true") boolean enabled, @DefaultValue("1d") Duration timeToLive,
				@Nullable Path directory) {

			public Cache {
				if (timeToLive == null || timeToLive.isNegative()) {
					throw new InvalidConfigurationPropertyValueException(PREFIX + "discovery.cache.time-to-live",
							timeToLive, "It must not be negative: it is how long discovered provider metadata is "
									+ "used before the provider is asked again. Use 0 to discover at every start, or "
									+ "a duration such as 1d (the default) or 12h.");
				}
			}

		}

	}

	/**
	 * A RestClient bean named {@code <name>RestClient}.
	 *
	 * @param registration Registration whose token the client sends.
	 * @param baseUrl Base URL of the API: an absolute http or https URL with a host. The token is sent only to its
	 * origin (scheme, host, port); a request to an absolute or protocol-relative URI of another origin fails and is
	 * not sent. Not set by default (the token goes with every request, whatever its URI).
	 * @param account Account whose token is sent; defaults to oauth-callback.login.account.
	 */
	public record Client(String registration, @Nullable String baseUrl, @Nullable String account) {

		/**
		 * The check of the declared clients, for these properties and for the registrar that declares their beans
		 * (which binds them before these properties exist).
		 * @param clients the clients by name, or {@code null}
		 * @return an unmodifiable copy
		 * @throws InvalidConfigurationPropertyValueException for a client without a registration
		 */
		static Map<String, Client> checked(@Nullable Map<String, Client> clients) {
			if (clients == null) {
				return Map.of();
			}
			clients.forEach((name, client) -> {
				if (!StringUtils.hasText(client.registration())) {
					throw new InvalidConfigurationPropertyValueException(PREFIX + "clients." + name + ".registration",
							client.registration(), "It is required: name the spring.security.oauth2.client "
									+ "registration whose token the bean '" + name + "RestClient' sends.");
				}
				String baseUrl = client.baseUrl();
				if (StringUtils.hasText(baseUrl) && Origin.ofBaseUrl(baseUrl) == null) {
					throw new InvalidConfigurationPropertyValueException(PREFIX + "clients." + name + ".base-url",
							SafeText.providerText(baseUrl), "It must be an absolute http or https URL with a host, "
									+ "such as https://api.example.com: the registration's token is sent only to "
									+ "its origin (scheme, host and port).");
				}
			});
			return Map.copyOf(clients);
		}

	}

	/**
	 * What a logout does besides removing the stored login.
	 *
	 * @param revoke Whether a logout revokes the removed login's tokens at the provider's revocation endpoint (RFC
	 * 7009): the refresh token, then the access token. The login is removed whatever the provider answers; a failure
	 * is reported as a warning, since the tokens may then stay valid at the provider until they expire.
	 */
	public record Logout(@DefaultValue("true") boolean revoke) {

	}

	/**
	 * Settings of one client registration that Spring Boot's provider properties have no place for.
	 *
	 * @param revocationUri Revocation endpoint (RFC 7009) of the registration's provider, used instead of the
	 * revocation_endpoint of its discovery metadata.
	 * @param deviceAuthorizationUri Device authorization endpoint (RFC 8628) of the registration's provider, used
	 * by device logins (authorization-grant-type urn:ietf:params:oauth:grant-type:device_code, or a forced device
	 * login). Defaults to the device_authorization_endpoint of the provider's discovery document (issuer-uri).
	 * @param resource Resource indicator (RFC 8707) of the API the registration's tokens are for: an absolute URI
	 * without fragment, sent as the 'resource' parameter on the authorization request, the code exchange, every
	 * refresh, and the device authorization and device token requests, so the provider can restrict the tokens'
	 * audience to it. Not set by default (no 'resource' parameter is sent).
	 */
	public record Registration(@Nullable URI revocationUri, @Nullable URI deviceAuthorizationUri,
			@Nullable URI resource) {

		/**
		 * The check of the registrations' settings.
		 * @param registrations the settings by registration id, or {@code null}
		 * @return an unmodifiable copy
		 * @throws InvalidConfigurationPropertyValueException for a revocation URI that is not an absolute https URI
		 * (or http on a loopback host), or a device authorization URI that is not an absolute https URI with a host
		 * (or http to this machine)
		 */
		static Map<String, Registration> checked(@Nullable Map<String, Registration> registrations) {
			if (registrations == null) {
				return Map.of();
			}
			registrations.forEach((id, registration) -> {
				URI uri = registration.revocationUri();
				if (uri != null && !secureOrLoopback(uri)) {
					throw new InvalidConfigurationPropertyValueException(PREFIX + "registrations." + id
							+ ".revocation-uri", uri, "It must be an absolute https URI (http only for 127.0.0.1, [::1] "
									+ "or localhost): tokens are sent to it.");
				}
				URI device = registration.deviceAuthorizationUri();
				// The rule for what a browser is sent to: https, or http to this machine, without user-info.
				if (device != null && !BrowserUris.isSafe(device)) {
					throw new InvalidConfigurationPropertyValueException(
							PREFIX + "registrations." + id + ".device-authorization-uri",
							SafeText.providerText(device.toString()), "It must be the provider's device authorization "
									+ "endpoint as an absolute https URI (http only to 127.0.0.1, [::1] or "
									+ "localhost), for example https://idp.example.com/oauth2/device_authorization.");
				}
				URI resource = registration.resource();
				if (resource != null && (!resource.isAbsolute() || resource.getRawFragment() != null)) {
					throw new InvalidConfigurationPropertyValueException(PREFIX + "registrations." + id + ".resource",
							SafeText.providerText(resource.toString()), "It must be an absolute URI without a fragment "
									+ "(RFC 8707 section 2): the API the tokens are for, for example "
									+ "https://api.example.com/ or https://mcp.example.com/mcp.");
				}
			});
			return Map.copyOf(registrations);
		}

		/**
		 * Refuses settings for a registration that is not declared, which would otherwise be ignored without a word.
		 * @param registrations the settings by registration id
		 * @param declared the client registrations
		 * @throws InvalidConfigurationPropertyValueException for the first one that names no registration
		 */
		static void requireDeclared(Map<String, Registration> registrations, ClientRegistrationRepository declared) {
			registrations.keySet().forEach((id) -> {
				if (declared.findByRegistrationId(id) == null) {
					throw new InvalidConfigurationPropertyValueException(PREFIX + "registrations." + id, id,
							"No registration '" + id + "' is declared under spring.security.oauth2.client.registration "
									+ "(declared: " + String.join(", ", Registrations.ids(declared)) + "): fix the id "
									+ "or remove the settings.");
				}
			});
		}

		/**
		 * @return the resource indicators set, by registration id
		 */
		static Map<String, URI> resources(Map<String, Registration> registrations) {
			return endpoints(registrations, Registration::resource);
		}

		/**
		 * @return the revocation endpoints set, by registration id
		 */
		static Map<String, URI> revocationUris(Map<String, Registration> registrations) {
			return endpoints(registrations, Registration::revocationUri);
		}

		private static Map<String, URI> endpoints(Map<String, Registration> registrations,
				Function<Registration, @Nullable URI> endpoint) {
			Map<String, URI> uris = new LinkedHashMap<>();
			registrations.forEach((id, registration) -> {
				URI uri = endpoint.apply(registration);
				if (uri != null) {
					uris.put(id, uri);
				}
			});
			return Map.copyOf(uris);
		}

		static boolean secureOrLoopback(URI uri) {
			return SecureUris.isSecureOrLoopback(uri);
		}

	}

	/**
	 * Spring Shell commands.
	 *
	 * @param enabled Whether 'login', 'logout' and 'status' are offered as Spring Shell commands when Spring Shell is
	 * on the classpath.
	 */
	public record Shell(@DefaultValue("true") boolean enabled) {

	}

	/**
	 * Authorization of MCP servers for the MCP Java SDK's transports ({@code OAuthCallbackMcpTransports}).
	 *
	 * @param enabled Whether MCP servers are authorized when the MCP Java SDK (io.modelcontextprotocol.sdk:mcp-core)
	 * is on the classpath. With it, the token store, the login and the client manager come up even without any
	 * spring.security.oauth2.client registration.
	 * @param clientIdMetadataDocument URL of this client's Client ID Metadata Document, used as its client id at
	 * authorization servers that advertise client_id_metadata_document_supported (instead of a dynamic
	 * registration): an https URL with a path, for example https://app.example.com/oauth/client.json. The document
	 * must list the loopback redirect URI (http://127.0.0.1/callback unless oauth-callback.listener.* says otherwise).
	 * @param clientName The client_name of dynamic client registrations and the name of the servers' registrations.
	 * Defaults to spring.application.name, else 'oauth-callback'.
	 * @param maxAuthorizationAttempts How many authorization attempts (a login, a refresh after a 401, a step-up
	 * login after a 403 insufficient_scope) one MCP request may cause before it fails: 1 to 10.
	 * @param servers MCP servers by a name of your choice, each server once: 'url', the server's URL (https, or http
	 * to this machine; no two entries with the same URL); 'registration', a spring.security.oauth2.client.registration
	 * id whose client-id (client-secret, client-authentication-method, scope) is the server's pre-registered client:
	 * it needs no provider block, the server's authorization server is discovered, and no other server may name it;
	 * 'token-endpoint-auth-method', the method a dynamic registration
	 * for this server asks for: 'none' (default, a public client), 'client_secret_basic' or 'client_secret_post'.
	 */
	public record Mcp(@DefaultValue("true") boolean enabled, @Nullable URI clientIdMetadataDocument,
			@Nullable String clientName, @DefaultValue("3") int maxAuthorizationAttempts,
			Map<String, McpServer> servers) {

		static final int MAX_ATTEMPTS = 10;

		private static final String MCP = PREFIX + "mcp.";

		public Mcp {
			URI document = clientIdMetadataDocument;
			if (document != null && !("https".equalsIgnoreCase(document.getScheme()) && document.getHost() != null
					&& document.getRawPath() != null && document.getRawPath().length() > 1
					&& document.getRawFragment() == null && document.getRawUserInfo() == null)) {
				throw new InvalidConfigurationPropertyValueException(MCP + "client-id-metadata-document",
						SafeText.providerText(document.toString()), "It must be an https URL with a path and without "
								+ "fragment or user-info (it is the client id), for example "
								+ "https://app.example.com/oauth/client.json.");
			}
			if (maxAuthorizationAttempts < 1 || maxAuthorizationAttempts > MAX_ATTEMPTS) {
				throw new InvalidConfigurationPropertyValueException(MCP + "max-authorization-attempts",
						maxAuthorizationAttempts, "It must be between 1 and " + MAX_ATTEMPTS + ": it bounds the logins, "
								+ "refreshes and step-ups one MCP request may cause (the default is 3).");
			}
			servers = (servers != null) ? Map.copyOf(servers) : Map.of();
			servers.forEach(McpServer::check);
			checkDistinct(servers);
		}

		/**
		 * Two entries for one server, or two servers tied to one registration, would share logins: one server's token
		 * could reach the other.
		 */
		private static void checkDistinct(Map<String, McpServer> servers) {
			Map<URI, String> byUrl = new LinkedHashMap<>();
			Map<String, String> byRegistration = new LinkedHashMap<>();
			servers.keySet().stream().sorted().forEach((name) -> {
				McpServer server = servers.get(name);
				URI url = java.util.Objects.requireNonNull(server.url());
				String sameUrl = byUrl.putIfAbsent(McpServerUrls.comparable(url), name);
				if (sameUrl != null) {
					throw new InvalidConfigurationPropertyValueException(MCP + "servers." + name + ".url",
							McpServerUrls.shown(url), "It is the URL of oauth-callback.mcp.servers." + sameUrl
									+ " too: declare each MCP server once (two entries would share its logins).");
				}
				String registration = server.registration();
				if (StringUtils.hasText(registration)) {
					String sameRegistration = byRegistration.putIfAbsent(registration, name);
					if (sameRegistration != null) {
						throw new InvalidConfigurationPropertyValueException(MCP + "servers." + name + ".registration",
								registration, "oauth-callback.mcp.servers." + sameRegistration + " names the "
										+ "registration '" + registration + "' too: give each MCP server its own "
										+ "registration, or one server's token could be sent to the other (logins "
										+ "are stored by registration id).");
					}
				}
			});
		}

		/**
		 * The resource of a server's pre-registered registration is the one its metadata names: a configured one is
		 * refused rather than silently not used.
		 */
		void checkResources(Map<String, Registration> registrations) {
			this.servers.keySet().stream().sorted().forEach((name) -> {
				String registration = this.servers.get(name).registration();
				Registration settings = (registration != null) ? registrations.get(registration) : null;
				if (settings != null && settings.resource() != null) {
					throw new InvalidConfigurationPropertyValueException(PREFIX + "registrations." + registration
							+ ".resource", SafeText.providerText(settings.resource().toString()), "The registration '"
									+ registration + "' is the pre-registered client of oauth-callback.mcp.servers."
									+ name + ", whose resource is the one the MCP server's metadata names (its "
									+ "canonical URL): remove this setting.");
				}
			});
		}

		/**
		 * @return the registration ids named by servers, which are pre-registered MCP clients rather than providers
		 */
		public Set<String> preRegisteredRegistrations() {
			Set<String> ids = new LinkedHashSet<>();
			this.servers.values().forEach((server) -> {
				if (StringUtils.hasText(server.registration())) {
					ids.add(server.registration());
				}
			});
			return Collections.unmodifiableSet(ids);
		}

	}

	/**
	 * An MCP server.
	 *
	 * @param url The server's URL (its Streamable HTTP endpoint): https, or http to this machine.
	 * @param registration A spring.security.oauth2.client.registration id: the server's pre-registered client.
	 * @param tokenEndpointAuthMethod The token endpoint authentication method a dynamic registration for this server
	 * asks for: 'none' (default), 'client_secret_basic' or 'client_secret_post'.
	 * @param issuer The issuer of the authorization server the pre-registered client ('registration') belongs to: a
	 * login is refused before anything is sent when the server names another one. Set it for every client with a
	 * secret, or the secret goes to whichever authorization server the MCP server names (a warning says so).
	 */
	public record McpServer(@Nullable URI url, @Nullable String registration, @Nullable String tokenEndpointAuthMethod,
			@Nullable URI issuer) {

		static final List<String> METHODS = List.of("none", "client_secret_basic",
				"client_secret_post");

		static void check(String name, McpServer server) {
			String prefix = PREFIX + "mcp.servers." + name + ".";
			URI url = server.url();
			if (url == null) {
				throw new InvalidConfigurationPropertyValueException(prefix + "url", null, "It is required: the MCP "
						+ "server's URL, for example https://mcp.example.com/mcp.");
			}
			checked("mcp.servers." + name + ".url", McpServerUrls.shown(url), () -> McpServerUrls.check(url));
			URI issuer = server.issuer();
			if (issuer != null && !Registration.secureOrLoopback(issuer)) {
				throw new InvalidConfigurationPropertyValueException(prefix + "issuer",
						SafeText.providerText(issuer.toString()), "It must be the authorization server's issuer, an "
								+ "absolute https URI (http only for 127.0.0.1, [::1] or localhost).");
			}
			String method = server.tokenEndpointAuthMethod();
			if (method != null && !METHODS.contains(method)) {
				throw new InvalidConfigurationPropertyValueException(prefix + "token-endpoint-auth-method", method,
						"It must be one of " + String.join(", ", METHODS) + ".");
			}
		}

	}

}

package io.github.oauthcallback.sample;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;

import io.github.oauthcallback.McpAuthorizationException;
import io.github.oauthcallback.OAuthCallbackException;
import io.github.oauthcallback.UnknownRegistrationException;
import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.authorize.DeviceAuthorizer;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.autoconfigure.OAuthCallbackProperties;
import io.github.oauthcallback.internal.Causes;
import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.mcp.OAuthCallbackMcpTransports;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.github.oauthcallback.client.OAuthCallbackRestClients;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager.LoggedOut;
import io.github.oauthcallback.store.StoredLogin;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.store.InMemoryTokenStore;
import io.github.oauthcallback.store.TokenStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * The sample's commands: {@code login [registration] [--paste | --device]}, {@code status},
 * {@code logout [registration]}, {@code logout --all}, {@code call <registration> <url>},
 * {@code mcp <server-url> [call <tool> [json-arguments]]} ({@link McpCommand}), {@code whoami} (the 'clients' profile,
 * {@link WhoamiCommand}) and {@code help}. Not active in the profiles that run something else: 'batch' and 'service'
 * ({@link BatchJob}), 'shell' (Spring Shell) and 'watch' ({@link WatchRunner}). Results go to standard output, problems to standard error. Token values are never printed.
 * <p>
 * Exit status: 0 on success, 1 when the login or the configuration fails (the message says what to do), 2 for a
 * command line this program does not understand.
 */
@Component
@Profile("!batch & !service & !shell & !watch")
public class SampleCommands implements CommandLineRunner, ExitCodeGenerator {

	/** Exit status of a command that worked. */
	public static final int OK = 0;

	/** Exit status of a failed login or an unusable configuration. */
	public static final int FAILED = 1;

	/** Exit status of a command line this program does not understand. */
	public static final int USAGE = 2;

	private static final Set<String> SPRING_COMMANDS = Set.of("login", "status", "logout", "call", "mcp", "whoami");

	private static final String ALL = "--all";

	/** Said when the application's own client manager removed a login: only the starter's revokes its tokens. */
	private static final String NOT_REVOKED = "The tokens were only forgotten here; they were not revoked at the "
			+ "provider (the starter's client manager revokes them, and the application replaced it).";
	private static final String DEVICE = "--device";

	private final ObjectProvider<ClientRegistrationRepository> registrations;

	private final ObjectProvider<OAuth2AuthorizedClientService> authorizedClients;

	private final ObjectProvider<LoopbackAuthorizer> authorizer;

	private final ObjectProvider<DeviceAuthorizer> deviceAuthorizer;

	private final ObjectProvider<TokenStore> tokenStore;

	/** Where the store's key lives, for 'status': the starter's internal cipher says (the one internal bean used). */
	private final ObjectProvider<TokenCipher> cipher;

	private final ObjectProvider<OAuthCallbackRestClients> restClients;

	private final ObjectProvider<OAuthCallbackAuthorizedClientManager> manager;

	private final ObjectProvider<OAuthCallbackMcpTransports> mcpTransports;

	private final ObjectProvider<WhoamiCommand> whoami;

	private final OAuthCallbackProperties oauthCallback;

	private final SampleProperties properties;

	private final Clock clock;

	private volatile int exitCode = OK;

	public SampleCommands(ObjectProvider<ClientRegistrationRepository> registrations,
			ObjectProvider<OAuth2AuthorizedClientService> authorizedClients,
			ObjectProvider<LoopbackAuthorizer> authorizer, ObjectProvider<DeviceAuthorizer> deviceAuthorizer,
			ObjectProvider<TokenStore> tokenStore, ObjectProvider<OAuthCallbackRestClients> restClients,
			ObjectProvider<OAuthCallbackAuthorizedClientManager> manager,
			ObjectProvider<OAuthCallbackMcpTransports> mcpTransports, ObjectProvider<WhoamiCommand> whoami,
			OAuthCallbackProperties oauthCallback, SampleProperties properties, ObjectProvider<TokenCipher> cipher) {
		this.cipher = cipher;
		this.mcpTransports = mcpTransports;
		this.whoami = whoami;
		this.registrations = registrations;
		this.authorizedClients = authorizedClients;
		this.authorizer = authorizer;
		this.deviceAuthorizer = deviceAuthorizer;
		this.tokenStore = tokenStore;
		this.restClients = restClients;
		this.manager = manager;
		this.oauthCallback = oauthCallback;
		this.properties = properties;
		this.clock = Clock.systemUTC();
	}

	@Override
	public void run(String... args) {
		this.exitCode = execute(args);
	}

	/**
	 * @return the exit status of the command run at start-up
	 */
	@Override
	public int getExitCode() {
		return this.exitCode;
	}

	/**
	 * Runs one command. Arguments starting with {@code --} are Spring Boot properties and are ignored here.
	 * @param args the command line
	 * @return the exit status
	 */
	public int execute(String... args) {
		PrintStream out = System.out;
		PrintStream err = System.err;
		Integer answered = answerWithoutSpring(args, out, err);
		if (answered != null) {
			return answered;
		}
		List<String> words = words(args);
		String command = words.get(0);
		List<String> operands = words.subList(1, words.size());
		try {
			return switch (command) {
				case "login" -> login(operands, out, err);
				case "status" -> status(operands, out, err);
				case "logout" -> logout(operands, out, err);
				case "call" -> call(operands, out, err);
				case "mcp" -> mcp(operands, out);
				case "whoami" -> whoami(operands, out);
				default -> throw new IllegalStateException("Unhandled command " + command);
			};
		}
		catch (UsageException ex) {
			err.println(ex.getMessage());
			err.println("Run 'help' for the commands.");
			return USAGE;
		}
		catch (OAuthCallbackException | NotConfiguredException ex) {
			// The messages say what to do; an unexpected cause is described in them without token values.
			err.println(ex.getMessage());
			return FAILED;
		}
		catch (RuntimeException ex) {
			// Anything else: a short description without token-like values instead of a stack trace.
			err.println("'" + command + "' failed unexpectedly: " + SafeText.describe(ex));
			return FAILED;
		}
	}

	/**
	 * Answers the command lines that need no application context: none, {@code help} and unknown commands.
	 * @param args the command line
	 * @param out standard output
	 * @param err standard error
	 * @return the exit status, or {@code null} if the command needs the application context
	 */
	public static Integer answerWithoutSpring(String[] args, PrintStream out, PrintStream err) {
		List<String> words = words(args);
		if (words.isEmpty() || "help".equals(words.get(0))) {
			printHelp(out);
			return OK;
		}
		if (!SPRING_COMMANDS.contains(words.get(0))) {
			err.println("Unknown command '" + words.get(0) + "'.");
			err.println();
			printHelp(err);
			return USAGE;
		}
		return null;
	}

	/**
	 * Prints the usage text.
	 * @param out where to print it
	 */
	public static void printHelp(PrintStream out) {
		out.println("""
				Usage: java -jar sample-cli-app.jar <command> [--property=value ...]

				Commands:
				  login [registration] [--paste]
				                            Log in through the browser and store the result for the current account;
				                            a device-grant registration ('demo-device' in the demo profile) logs in
				                            with a code entered on any device instead.
				                            --paste: only print the URL, and accept the address the browser ended on
				                            pasted here (when the browser cannot reach this machine).
				  login [registration] --device
				                            Log in with a code entered on any device (RFC 8628), for SSH sessions and
				                            containers; the provider needs a device authorization endpoint.
				  status                    Show where logins are stored and every stored login (no token values).
				  logout [registration]     Remove the stored login of the current account and revoke its tokens at
				                            the provider (RFC 7009; says so when the provider cannot revoke them).
				  logout --all              Remove every stored login of this program, revoking each.
				  call <registration> <url> GET the URL with the registration's token (logging in or refreshing
				                            first when needed) and print the response status and body.
				  mcp <server-url>          Connect to an MCP server knowing only its URL (discovery, client
				                            registration and login on first use; later runs use the stored login),
				                            initialize and print its tools. Does not start the demo provider.
				  mcp <server-url> call <tool> [json-arguments]
				                            Call one tool, for example: mcp https://mcp.example/mcp call echo
				                            '{"text":"hi"}', and print what it returns.
				  whoami [path]             (profile clients) GET the path (default /userinfo) through the
				                            RestClient declared in configuration (oauth-callback.clients.userinfo)
				                            and print the response status and body.
				  help                      Show this text.

				[registration] defaults to sample.default-registration ('demo' in the demo profile), else to the
				only declared registration.

				Profiles (--spring.profiles.active=...):
				  demo     (default) starts an embedded identity provider and prints its user and password.
				  github   a GitHub OAuth App: set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET.
				  google   a Google "Desktop app" client: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET.
				  batch    with a provider profile (demo,batch): a batch job calls sample.batch.url instead.
				  service  (demo,service) the batch job with a service account (client credentials).
				  shell    (demo,shell) an interactive Spring Shell with login, logout and status.
				  jdbc     logins in a database: --spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/test
				           --spring.datasource.username=postgres (or a jdbc:mariadb:// URL).
				  clients  (demo,clients) the whoami command through a declared RestClient.
				  watch    (demo,watch) a long-lived process whose scheduled refresh prints each refresh;
				           Ctrl-C or sample.watch.duration ends it.
				Any provider works with spring.security.oauth2.client.registration.<id>.* and provider.<id>.*.

				Useful properties:
				  --oauth-callback.login.mode=paste      the same as --paste (auto picks the way and says which)
				  --oauth-callback.login.browser=print   only print the URL (or the device login's page) instead of
				                                         opening a browser
				  --oauth-callback.login.account=NAME    store the login under NAME (default: the OS user name)
				  --oauth-callback.login.timeout=2m      how long login waits for the browser

				Logins are kept in a file (see 'status'; oauth-callback.store.* changes where and how). Token values
				are never printed. Logging out removes the login here, then revokes its tokens at the provider
				(--oauth-callback.logout.revoke=false only forgets them); a provider without a revocation endpoint
				keeps them valid until they expire.
				Exit status: 0 success, 1 failure, 2 usage error.""");
		out.flush();
	}

	private int login(List<String> operands, PrintStream out, PrintStream err) {
		boolean forceDevice = operands.contains(DEVICE);
		List<String> registrationOperands = operands.stream().filter((operand) -> !DEVICE.equals(operand)).toList();
		ClientRegistrationRepository repository = repository();
		// The starter itself reports an unknown registration, with the declared ones.
		String id = registrationOperand(registrationOperands, repository, "login", false);
		LoopbackAuthorizer loopback = this.authorizer.getIfAvailable();
		if (loopback == null) {
			throw new NotConfiguredException("The loopback login is not configured (no LoopbackAuthorizer "
					+ "bean). Check that an OAuth2AuthorizedClientService is available.");
		}
		ClientRegistration registration = repository.findByRegistrationId(id);
		boolean device = forceDevice || (registration != null
				&& AuthorizationGrantType.DEVICE_CODE.equals(registration.getAuthorizationGrantType()));
		DeviceAuthorizer deviceLogin = this.deviceAuthorizer.getIfAvailable();
		if (device && (deviceLogin == null || (registration != null && !deviceLogin.supports(id)))) {
			throw new NotConfiguredException("'" + id + "' cannot log in with a device code: its provider has no "
					+ "device authorization endpoint (set oauth-callback.registrations." + id
					+ ".device-authorization-uri, or log in without --device).");
		}
		if (registration != null) {
			err.println("Logging in to '" + id + "' as account '" + account() + "': "
					+ (device ? "enter the code below on any device" : "finish in the browser") + " (waiting up to "
					+ human(this.oauthCallback.login().timeout()) + ").");
			err.flush();
		}
		// Through the manager, the login takes its turn with refreshes of the same login.
		OAuthCallbackAuthorizedClientManager clientManager = this.manager.getIfUnique();
		AuthorizationOptions options = AuthorizationOptions.defaults().withAccount(account());
		OAuth2AuthorizedClient client;
		if (clientManager != null) {
			client = forceDevice ? clientManager.deviceLogin(id, options) : clientManager.login(id, options);
		}
		else {
			client = device ? deviceLogin.authorize(id, options) : loopback.authorize(id, options);
		}
		out.println("Logged in to '" + id + "'. Stored for account '" + client.getPrincipalName() + "':");
		out.println("  " + describe(client, this.clock.instant()));
		if (client instanceof OidcAuthorizedClient oidc) {
			out.println("  signed in at the provider as '" + oidc.getIdToken().getSubject() + "'"
					+ ((oidc.getIdToken().getEmail() != null) ? " (" + oidc.getIdToken().getEmail() + ")" : ""));
		}
		TokenStore store = this.tokenStore.getIfAvailable();
		if (store != null) {
			out.println("Stored in " + store.location());
		}
		return OK;
	}

	private int status(List<String> operands, PrintStream out, PrintStream err) {
		if (!operands.isEmpty()) {
			throw new UsageException("'status' takes no arguments (got " + String.join(" ", operands) + ").");
		}
		ClientRegistrationRepository repository = repository();
		String account = account();
		Instant now = this.clock.instant();
		TokenStore store = this.tokenStore.getIfAvailable();
		List<ClientRegistration> all = all(repository);
		if (store != null) {
			// First, so that even a store that cannot be read says where it is.
			out.println("Store: " + store.location());
			TokenCipher cipher = this.cipher.getIfUnique();
			if (cipher != null && !(store instanceof InMemoryTokenStore)) {
				out.println("Key: " + cipher.keyLocation());
			}
		}
		out.println("Account '" + account + "', " + all.size() + " registration" + (all.size() == 1 ? "" : "s") + ":");
		int status = OK;
		for (ClientRegistration registration : all) {
			String id = registration.getRegistrationId();
			String where = id + " (client " + registration.getClientId() + " at "
					+ registration.getProviderDetails().getAuthorizationUri() + ")";
			try {
				OAuth2AuthorizedClient client = store().loadAuthorizedClient(id, account);
				out.println("  " + where + ": " + ((client != null) ? "logged in; " + describe(client, now)
						: "no login stored"));
			}
			catch (OAuthCallbackException ex) {
				out.println("  " + where + ": the stored login cannot be used");
				err.println(ex.getMessage());
				status = FAILED;
			}
		}
		if (store == null) {
			out.println("Logins are kept by the application's own OAuth2AuthorizedClientService.");
			return status;
		}
		List<StoredLogin> logins;
		try {
			logins = store.logins();
		}
		catch (OAuthCallbackException ex) {
			err.println(ex.getMessage());
			return FAILED;
		}
		out.println("In the store (" + logins.size() + " login" + (logins.size() == 1 ? "" : "s") + "):");
		for (StoredLogin login : logins) {
			out.println("  " + login.registrationId() + " / " + login.account() + ": " + describe(login, now));
		}
		return status;
	}

	private int logout(List<String> operands, PrintStream out, PrintStream err) {
		if (operands.equals(List.of(ALL))) {
			TokenStore store = this.tokenStore.getIfAvailable();
			if (store == null) {
				throw new NotConfiguredException("'logout --all' needs one of the starter's token stores; the "
						+ "application defines its own OAuth2AuthorizedClientService.");
			}
			OAuthCallbackAuthorizedClientManager clientManager = this.manager.getIfUnique();
			if (clientManager != null) {
				// Each login is removed, then its tokens are revoked at the provider: one line each says how that went.
				List<LoggedOut> removed = clientManager.logoutAll();
				out.println("Removed " + removed.size() + " stored login" + (removed.size() == 1 ? "" : "s") + " from "
						+ store.location() + (removed.isEmpty() ? "." : ":"));
				for (LoggedOut loggedOut : removed) {
					out.println("  " + loggedOut.login().registrationId() + " / " + loggedOut.login().account() + ": "
							+ outcome(loggedOut));
				}
				return OK;
			}
			List<StoredLogin> removed = store.logoutAll();
			out.println("Removed " + removed.size() + " stored login" + (removed.size() == 1 ? "" : "s") + " from "
					+ store.location() + (removed.isEmpty() ? "." : ":"));
			for (StoredLogin login : removed) {
				out.println("  " + login.registrationId() + " / " + login.account());
			}
			out.println(NOT_REVOKED);
			return OK;
		}
		ClientRegistrationRepository repository = repository();
		String id = registrationOperand(operands, repository, "logout", true);
		String account = account();
		OAuthCallbackAuthorizedClientManager clientManager = this.manager.getIfUnique();
		if (clientManager != null) {
			// Reports from the stored entry without decrypting it, so a login that cannot be read (another key, another
			// client id) can still be removed. Through the manager, a refresh under way finishes first and cannot store
			// the login again afterwards.
			// The tokens are revoked at the provider after the removal; the last line says how that went.
			Optional<LoggedOut> removed = clientManager.logout(id, account);
			if (removed.isEmpty()) {
				out.println("Nothing to remove: no login is stored for '" + id + "' under account '" + account + "'.");
				return OK;
			}
			out.println("Removed the stored login for '" + id + "' (account '" + account + "'): "
					+ describe(removed.get().login(), this.clock.instant()));
			out.println(outcome(removed.get()));
			return OK;
		}
		OAuth2AuthorizedClientService store = store();
		OAuth2AuthorizedClient client = store.loadAuthorizedClient(id, account);
		if (client == null) {
			out.println("Nothing to remove: no login is stored for '" + id + "' under account '" + account + "'.");
			return OK;
		}
		store.removeAuthorizedClient(id, account);
		out.println("Removed the stored login for '" + id + "' (account '" + account + "'): "
				+ describe(client, this.clock.instant()));
		out.println(NOT_REVOKED);
		return OK;
	}

	/** What happened at the provider, in one line; a token that may still be valid there is a warning. */
	private static String outcome(LoggedOut loggedOut) {
		return ((loggedOut.revocation() == LoggedOut.Revocation.FAILED) ? "Warning: " : "") + loggedOut.description();
	}

	private int mcp(List<String> operands, PrintStream out) {
		OAuthCallbackMcpTransports transports = this.mcpTransports.getIfAvailable();
		if (transports == null) {
			throw new NotConfiguredException("'mcp' needs the starter's MCP support (the MCP Java SDK on the classpath, "
					+ "oauth-callback.mcp.enabled not false, and the starter's client manager).");
		}
		try {
			return new McpCommand(transports, account()).run(operands, out);
		}
		catch (RuntimeException ex) {
			// The SDK wraps what the authorization hooks threw: their message says what to do.
			OAuthCallbackException cause = Causes.find(ex, OAuthCallbackException.class);
			if (cause != null) {
				throw cause;
			}
			McpHttpClientTransportAuthorizationException refused = Causes.find(ex,
					McpHttpClientTransportAuthorizationException.class);
			if (refused != null) {
				int status = refused.getResponseInfo().statusCode();
				throw new McpAuthorizationException(refused.getRequestSnapshot().requestUri(), "The MCP server "
						+ refused.getRequestSnapshot().requestUri() + " still answered HTTP " + status
						+ ((status == 403) ? " (the account lacks a scope it asks for)" : "") + " after "
						+ this.oauthCallback.mcp().maxAuthorizationAttempts() + " authorization attempt(s) for one "
						+ "request (oauth-callback.mcp.max-authorization-attempts). Check that the account may use it, "
						+ "or log out of it ('logout <registration>' after 'status') and try again.");
			}
			throw ex;
		}
	}

	private int whoami(List<String> operands, PrintStream out) {
		WhoamiCommand command = this.whoami.getIfAvailable();
		if (command == null) {
			throw new NotConfiguredException("'whoami' uses the RestClient declared under oauth-callback.clients."
					+ "userinfo: run it with the clients profile, as in 'whoami --spring.profiles.active=demo,clients'.");
		}
		return command.run(operands, out);
	}

	private int call(List<String> operands, PrintStream out, PrintStream err) {
		if (operands.size() != 2) {
			throw new UsageException("'call' takes a registration and a URL, as in 'call demo https://api.example/me'.");
		}
		String id = registrationOperand(operands.subList(0, 1), repository(), "call", true);
		OAuthCallbackRestClients clients = this.restClients.getIfAvailable();
		if (clients == null) {
			throw new NotConfiguredException("'call' needs the starter's RestClient integration, which needs "
					+ "one of its token stores (oauth-callback.store.type).");
		}
		// One request, then the program ends: HttpURLConnection leaves no client thread behind, whereas an unclosed JDK
		// HttpClient keeps the JVM from exiting for about 300 ms (see docs/performance.md, P3).
		RestClient client = RestClient.builder()
			.requestFactory(new SimpleClientHttpRequestFactory())
			.apply(clients.client(id, account()))
			.build();
		try {
			ResponseEntity<String> response = client.get().uri(operands.get(1)).retrieve().toEntity(String.class);
			out.println("HTTP " + response.getStatusCode().value());
			out.println((response.getBody() != null) ? response.getBody() : "");
			return OK;
		}
		catch (RestClientResponseException ex) {
			out.println("HTTP " + ex.getStatusCode().value());
			out.println(ex.getResponseBodyAsString());
			return FAILED;
		}
	}

	private String registrationOperand(List<String> operands, ClientRegistrationRepository repository,
			String command, boolean mustExist) {
		if (operands.size() > 1) {
			throw new UsageException("'" + command + "' takes at most one registration (got "
					+ String.join(" ", operands) + ").");
		}
		String id = (operands.size() == 1) ? operands.get(0) : defaultRegistration(repository, command);
		if (mustExist && repository.findByRegistrationId(id) == null) {
			throw new UnknownRegistrationException(id, ids(repository));
		}
		return id;
	}

	private String defaultRegistration(ClientRegistrationRepository repository, String command) {
		if (StringUtils.hasText(this.properties.defaultRegistration())) {
			return this.properties.defaultRegistration();
		}
		List<String> ids = ids(repository);
		if (ids.size() == 1) {
			return ids.get(0);
		}
		throw new UsageException("Several registrations are declared (" + String.join(", ", ids) + "): name one, as in '"
				+ command + " " + ids.get(0) + "', or set sample.default-registration.");
	}

	private ClientRegistrationRepository repository() {
		ClientRegistrationRepository repository = this.registrations.getIfAvailable();
		if (repository == null) {
			throw new NotConfiguredException("No client registration is configured. Run with the demo profile "
					+ "(the default), activate github or google, or declare one under "
					+ "spring.security.oauth2.client.registration.<id>.* (and provider.<id>.* for a provider Spring "
					+ "Boot does not know).");
		}
		return repository;
	}

	private OAuth2AuthorizedClientService store() {
		OAuth2AuthorizedClientService store = this.authorizedClients.getIfAvailable();
		if (store == null) {
			throw new NotConfiguredException("No OAuth2AuthorizedClientService is available to keep logins in.");
		}
		return store;
	}

	/**
	 * The account logins are stored under: {@code oauth-callback.login.account}, else the operating-system user name.
	 */
	private String account() {
		return this.oauthCallback.login().accountOrUserName();
	}

	/** Boot's and the starter's repositories are iterable; a custom one that is not lists nothing here. */
	private static List<ClientRegistration> all(ClientRegistrationRepository repository) {
		return (repository instanceof Iterable<?> iterable) ? StreamSupport.stream(iterable.spliterator(), false)
			.filter(ClientRegistration.class::isInstance)
			.map(ClientRegistration.class::cast)
			.toList() : List.of();
	}

	private static List<String> ids(ClientRegistrationRepository repository) {
		return all(repository).stream().map(ClientRegistration::getRegistrationId).toList();
	}

	/**
	 * Describes a stored login without any token value.
	 * @param client the stored login
	 * @param now the current time
	 * @return one line: token type, scopes, expiry, whether a refresh token is stored
	 */
	static String describe(OAuth2AuthorizedClient client, Instant now) {
		OAuth2AccessToken token = client.getAccessToken();
		Set<String> scopes = new TreeSet<>(token.getScopes());
		return "access token (" + token.getTokenType().getValue() + ") with scopes "
				+ (scopes.isEmpty() ? "(none reported)" : String.join(" ", scopes)) + ", " + expiry(token.getExpiresAt(), now)
				+ "; refresh token: " + ((client.getRefreshToken() != null) ? "stored" : "none");
	}

	/**
	 * Describes a stored entry, read without decrypting anything.
	 * @param login the stored login
	 * @param now the current time
	 * @return one line: scopes, expiry, whether a refresh token is stored
	 */
	static String describe(StoredLogin login, Instant now) {
		Set<String> scopes = new TreeSet<>(login.scopes());
		return "scopes " + (scopes.isEmpty() ? "(none reported)" : String.join(" ", scopes)) + ", "
				+ expiry(login.expiresAt(), now) + "; refresh token: " + (login.refreshable() ? "stored" : "none");
	}

	private static String expiry(Instant expiresAt, Instant now) {
		if (expiresAt == null) {
			return "no expiry";
		}
		Instant shown = expiresAt.truncatedTo(ChronoUnit.SECONDS);
		return now.isBefore(expiresAt) ? "expires " + shown + " (in " + human(Duration.between(now, expiresAt)) + ")"
				: "expired " + shown + " (" + human(Duration.between(expiresAt, now)) + " ago)";
	}

	static String human(Duration duration) {
		long seconds = Math.max(0, duration.toSeconds());
		if (seconds < 60) {
			return seconds + " s";
		}
		long minutes = seconds / 60;
		if (minutes < 60) {
			return (seconds % 60 == 0) ? minutes + " min" : minutes + " min " + (seconds % 60) + " s";
		}
		long hours = minutes / 60;
		if (hours >= 48) {
			return (hours / 24) + " days";
		}
		return (minutes % 60 == 0) ? hours + " h" : hours + " h " + (minutes % 60) + " min";
	}

	/**
	 * The command words: arguments that are not Spring Boot {@code --name=value} options. {@code --help} and
	 * {@code -h} count as {@code help}.
	 */
	static List<String> words(String... args) {
		List<String> words = new ArrayList<>();
		for (String arg : (args != null) ? args : new String[0]) {
			String lower = arg.toLowerCase(Locale.ROOT);
			if ("--help".equals(lower) || "-h".equals(lower)) {
				words.add("help");
			}
			else if (ALL.equals(lower)) {
				words.add(ALL);
			}
			else if (DEVICE.equals(lower)) {
				words.add(DEVICE);
			}
			else if (!arg.startsWith("--")) {
				words.add(arg);
			}
		}
		return words;
	}

	/** The application lacks a part a command needs; the message says which and how to add it. */
	static final class NotConfiguredException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		NotConfiguredException(String message) {
			super(message);
		}

	}

	/** A command line this program does not understand. */
	static final class UsageException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		UsageException(String message) {
			super(message);
		}

	}

}

package io.github.oauthcallback.internal.shell;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiConsumer;

import io.github.oauthcallback.OAuthCallbackException;
import io.github.oauthcallback.UnknownRegistrationException;
import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.internal.Registrations;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.authorize.DeviceAuthorizer;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager.LoggedOut;
import io.github.oauthcallback.store.StoredLogin;
import io.github.oauthcallback.store.TokenStore;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandArgument;
import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.CommandOption;

/**
 * The {@code login}, {@code logout} and {@code status} commands for applications built on Spring Shell:
 * <ul>
 * <li>{@code login [registration] [--account NAME] [--device]}: through the browser, or with the device
 * authorization grant for a device-grant registration or with {@code --device}</li>
 * <li>{@code logout [registration] [--account NAME]} or {@code logout --all}</li>
 * <li>{@code status}: the store, where its encryption key lives, and the stored logins</li>
 * </ul>
 * {@code [registration]} may be left out when only one authorization-code or device-grant registration is declared. No command
 * prints a token value. With the starter's client manager, {@code login} and {@code logout} take the login's turn
 * (see {@link OAuthCallbackAuthorizedClientManager#logout}), so a refresh under way cannot undo them, and
 * {@code logout} revokes the removed tokens at the provider: it prints one line per login saying whether they were
 * revoked, and a line starting with "Warning:" when a token may still be valid there.
 */
public final class OAuthCallbackShellCommands {

	/** Group the commands are listed under in {@code help}. */
	public static final String GROUP = "OAuth login";

	private final LoopbackAuthorizer authorizer;

	private final @Nullable DeviceAuthorizer deviceAuthorizer;

	private final ClientRegistrationRepository registrations;

	private final TokenStore store;

	private final @Nullable OAuthCallbackAuthorizedClientManager manager;

	private final String defaultAccount;

	private final @Nullable String keyLocation;

	/**
	 * @param authorizer logs in
	 * @param registrations the client registrations
	 * @param store the token store
	 * @param defaultAccount the account when none is given
	 */
	public OAuthCallbackShellCommands(LoopbackAuthorizer authorizer, ClientRegistrationRepository registrations,
			TokenStore store, String defaultAccount) {
		this(authorizer, registrations, store, null, defaultAccount);
	}

	/**
	 * @param authorizer logs in
	 * @param registrations the client registrations
	 * @param store the token store
	 * @param manager the starter's client manager, through which {@code login} and {@code logout} take the login's
	 * turn, or {@code null} to use the authorizer and the store directly
	 * @param defaultAccount the account when none is given
	 */
	public OAuthCallbackShellCommands(LoopbackAuthorizer authorizer, ClientRegistrationRepository registrations,
			TokenStore store, @Nullable OAuthCallbackAuthorizedClientManager manager, String defaultAccount) {
		this(authorizer, null, registrations, store, manager, defaultAccount);
	}

	/**
	 * @param authorizer logs in through the browser
	 * @param deviceAuthorizer logs in with the device authorization grant, or {@code null} if it is not offered
	 * @param registrations the client registrations
	 * @param store the token store
	 * @param manager the starter's client manager, through which {@code login} and {@code logout} take the login's
	 * turn, or {@code null} to use the authorizers and the store directly
	 * @param defaultAccount the account when none is given
	 */
	public OAuthCallbackShellCommands(LoopbackAuthorizer authorizer, @Nullable DeviceAuthorizer deviceAuthorizer,
			ClientRegistrationRepository registrations, TokenStore store,
			@Nullable OAuthCallbackAuthorizedClientManager manager, String defaultAccount) {
		this(authorizer, deviceAuthorizer, registrations, store, manager, defaultAccount, null);
	}

	/**
	 * @param authorizer logs in through the browser
	 * @param deviceAuthorizer logs in with the device authorization grant, or {@code null} if it is not offered
	 * @param registrations the client registrations
	 * @param store the token store
	 * @param manager the starter's client manager, through which {@code login} and {@code logout} take the login's
	 * turn, or {@code null} to use the authorizers and the store directly
	 * @param defaultAccount the account when none is given
	 * @param keyLocation where the store's encryption key lives, which {@code status} shows (such as "OS keychain
	 * (Secret Service, ...)"), or {@code null} for a store that encrypts nothing of its own
	 */
	public OAuthCallbackShellCommands(LoopbackAuthorizer authorizer, @Nullable DeviceAuthorizer deviceAuthorizer,
			ClientRegistrationRepository registrations, TokenStore store,
			@Nullable OAuthCallbackAuthorizedClientManager manager, String defaultAccount,
			@Nullable String keyLocation) {
		this.keyLocation = keyLocation;
		this.authorizer = authorizer;
		this.deviceAuthorizer = deviceAuthorizer;
		this.registrations = registrations;
		this.store = store;
		this.manager = manager;
		this.defaultAccount = defaultAccount;
	}

	/**
	 * @return the {@code login} command
	 */
	public Command login() {
		return Command.builder()
			.name("login")
			.group(GROUP)
			.description("Log in (through the browser, or with a code entered on any device for a device-grant "
					+ "registration or with --device) and store the login: login [registration] [--account NAME] "
					+ "[--device]")
			.options(accountOption(), CommandOption.with()
				.longName("device")
				.description("Log in with the device authorization grant: enter a code on any device (the provider "
						+ "must have a device authorization endpoint)")
				.type(boolean.class)
				.defaultValue("false")
				.build())
			.execute(handled((context, out) -> {
				String registrationId = registration(context);
				String account = account(context);
				AuthorizationOptions options = AuthorizationOptions.defaults().withAccount(account);
				OAuth2AuthorizedClient client = login(registrationId, options, flag(context, "device"));
				out.println("Logged in to '" + registrationId + "' as account '" + account + "': "
						+ describe(summary(client)));
				if (client instanceof OidcAuthorizedClient oidc) {
					out.println("Signed in at the provider as '" + oidc.getIdToken().getSubject() + "'.");
				}
				out.println("Stored in " + this.store.location());
			}));
	}

	private OAuth2AuthorizedClient login(String registrationId, AuthorizationOptions options, boolean device) {
		if (this.manager != null) {
			return device ? this.manager.deviceLogin(registrationId, options)
					: this.manager.login(registrationId, options);
		}
		ClientRegistration registration = this.registrations.findByRegistrationId(registrationId);
		boolean deviceGrant = registration != null
				&& AuthorizationGrantType.DEVICE_CODE.equals(registration.getAuthorizationGrantType());
		if ((device || deviceGrant) && this.deviceAuthorizer != null) {
			return this.deviceAuthorizer.authorize(registrationId, options);
		}
		return this.authorizer.authorize(registrationId, options);
	}

	/**
	 * @return the {@code logout} command
	 */
	public Command logout() {
		return Command.builder()
			.name("logout")
			.group(GROUP)
			.description("Remove a stored login and revoke its tokens at the provider: logout [registration] "
					+ "[--account NAME], or every one: logout --all")
			.options(accountOption(), CommandOption.with()
				.longName("all")
				.description("Remove every stored login of this application, revoking each")
				.type(boolean.class)
				.defaultValue("false")
				.build())
			.execute(handled((context, out) -> {
				if (flag(context, "all")) {
					List<LoggedOut> removed = (this.manager != null) ? this.manager.logoutAll()
							: this.store.logoutAll().stream().map(OAuthCallbackShellCommands::notRevoked).toList();
					out.println("Removed " + removed.size() + " stored login(s) from " + this.store.location()
							+ (removed.isEmpty() ? "." : ":"));
					removed.forEach((loggedOut) -> out.println("  " + loggedOut.login().registrationId() + " / "
							+ loggedOut.login().account() + ": " + outcome(loggedOut)));
					return;
				}
				String registrationId = registration(context);
				String account = account(context);
				Optional<LoggedOut> removed = (this.manager != null) ? this.manager.logout(registrationId, account)
						: this.store.logout(registrationId, account).map(OAuthCallbackShellCommands::notRevoked);
				if (removed.isEmpty()) {
					out.println("No login of '" + registrationId + "' is stored for account '" + account + "'.");
					return;
				}
				out.println("Removed the login of '" + registrationId + "' for account '" + account + "'.");
				out.println(outcome(removed.get()));
			}));
	}

	/**
	 * What happened at the provider, in one line: a failure starts with "Warning:".
	 */
	private static String outcome(LoggedOut loggedOut) {
		return ((loggedOut.revocation() == LoggedOut.Revocation.FAILED) ? "Warning: " : "") + loggedOut.description();
	}

	/** A login removed from the store directly, without the starter's client manager, which revokes. */
	private static LoggedOut notRevoked(StoredLogin login) {
		return new LoggedOut(login, LoggedOut.Revocation.OFF, "Not revoked at the provider (the application's own "
				+ "client manager is in use): the tokens stay valid there until they expire.");
	}

	/**
	 * @return the {@code status} command
	 */
	public Command status() {
		return Command.builder()
			.name("status")
			.group(GROUP)
			.description("Show the stored logins and where they are kept (never a token value)")
			.execute(handled((context, out) -> {
				List<StoredLogin> logins = this.store.logins();
				out.println("Store: " + this.store.location() + " (" + logins.size() + " login(s))");
				if (this.keyLocation != null) {
					out.println("Key: " + this.keyLocation);
				}
				logins.forEach((login) -> out.println("  " + login.registrationId() + " / " + login.account() + ": "
						+ describe(login)));
			}));
	}

	private java.util.function.Consumer<CommandContext> handled(BiConsumer<CommandContext, PrintWriter> action) {
		return (context) -> {
			PrintWriter out = context.outputWriter();
			try {
				action.accept(context, out);
			}
			catch (OAuthCallbackException ex) {
				out.println(ex.getMessage());
			}
			out.flush();
		};
	}

	private static CommandOption accountOption() {
		return CommandOption.with()
			.longName("account")
			.description("Account the login is stored under (default: the configured login account, else the OS user)")
			.type(String.class)
			.build();
	}

	private String registration(CommandContext context) {
		List<CommandArgument> arguments = context.parsedInput().arguments();
		if (!arguments.isEmpty()) {
			return arguments.get(0).value();
		}
		List<String> ids = Registrations.all(this.registrations)
			.stream()
			.filter((registration) -> AuthorizationGrantType.AUTHORIZATION_CODE
				.equals(registration.getAuthorizationGrantType())
					|| AuthorizationGrantType.DEVICE_CODE.equals(registration.getAuthorizationGrantType()))
			.map(ClientRegistration::getRegistrationId)
			.toList();
		if (ids.size() == 1) {
			return ids.get(0);
		}
		throw UnknownRegistrationException.notNamed(ids, context.parsedInput().commandName());
	}

	private String account(CommandContext context) {
		CommandOption option = option(context, "account");
		return (option != null && option.value() != null && !option.value().isBlank()) ? option.value()
				: this.defaultAccount;
	}

	private static boolean flag(CommandContext context, String name) {
		CommandOption option = option(context, name);
		return option != null && (option.value() == null || Boolean.parseBoolean(option.value()));
	}

	private static @Nullable CommandOption option(CommandContext context, String name) {
		return context.parsedInput()
			.options()
			.stream()
			.filter((option) -> name.equals(option.longName()))
			.findFirst()
			.orElse(null);
	}

	private static StoredLogin summary(OAuth2AuthorizedClient client) {
		return new StoredLogin(client.getClientRegistration().getRegistrationId(), client.getPrincipalName(),
				client.getAccessToken().getScopes(), client.getAccessToken().getExpiresAt(),
				client.getRefreshToken() != null);
	}

	private static String describe(StoredLogin login) {
		return "scopes " + (login.scopes().isEmpty() ? "(none reported)" : String.join(" ", new TreeSet<>(login.scopes())))
				+ ", " + ((login.expiresAt() != null) ? "expires " + login.expiresAt() : "no expiry")
				+ ", refresh token " + (login.refreshable() ? "stored" : "none");
	}

}

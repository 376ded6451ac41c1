package io.github.oauthcallback.internal.device;

import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;

import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.InvalidRegistrationException;
import io.github.oauthcallback.UnknownRegistrationException;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.authorize.DeviceAuthorizer;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.internal.Registrations;
import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.authorize.LoginFuture;
import io.github.oauthcallback.internal.browser.BrowserUris;
import io.github.oauthcallback.internal.progress.ProgressStyle;
import io.github.oauthcallback.internal.progress.WaitingLogins;
import io.github.oauthcallback.internal.progress.WaitingProgress;
import io.github.oauthcallback.internal.observation.LoginObservationContext;
import io.github.oauthcallback.internal.observation.LoginObservationConvention;
import io.github.oauthcallback.internal.observation.OAuthCallbackObservationContext;
import io.github.oauthcallback.internal.observation.OAuthCallbackObservationDocumentation;
import io.github.oauthcallback.internal.observation.Observations;
import io.github.oauthcallback.internal.tokenendpoint.DeviceAuthorizationClient;
import io.github.oauthcallback.internal.tokenendpoint.DeviceCodeGrantRequest;
import io.github.oauthcallback.internal.tokenendpoint.ObservedFailures;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2DeviceAuthorizationResponse;
import org.springframework.util.StringUtils;

/**
 * The default {@link DeviceAuthorizer}: sends the device authorization request, prints the verification URI and the
 * user code (and the complete URI, when the provider sends one) with the name of what is being authorized (RFC 8628
 * section 5.4), opens the browser on the complete URI (else the verification URI) when one can be opened, then polls
 * on a daemon thread ({@link DevicePolling}) and saves the result through the {@link OAuth2AuthorizedClientService}.
 * Every URI it prints or opens passes {@link BrowserUris}; the user code is printed cleaned
 * ({@link SafeText#providerText}); the device code and the tokens are never printed or logged. While it polls, a
 * countdown to the end of the login is shown ({@link WaitingProgress}); Ctrl-C, or closing the application context
 * ({@link #close()}), stops the polling ({@link WaitingLogins}).
 */
public final class DefaultDeviceAuthorizer implements DeviceAuthorizer, AutoCloseable {

	private static final Log logger = LogFactory.getLog(DefaultDeviceAuthorizer.class);

	/** Name of the thread that polls the token endpoint while a login waits. */
	static final String POLLER_THREAD_NAME = "oauth-callback-device-login";

	private static final LoginObservationConvention LOGIN_CONVENTION = new LoginObservationConvention();

	private ObservationRegistry observations = ObservationRegistry.NOOP;

	private final ClientRegistrationRepository registrations;

	private final OAuth2AuthorizedClientService authorizedClients;

	private final DeviceAuthorizationClient authorizationClient;

	private final DevicePolling polling;

	private final BrowserLauncher browser;

	private final PrintStream console;

	private final DeviceEndpoints endpoints;

	private final String defaultAccount;

	private final Duration defaultTimeout;

	private ProgressStyle progress = ProgressStyle.AUTO;

	private Clock clock = Clock.systemUTC();

	private ThreadFactory pollers = (polling) -> {
		Thread poller = new Thread(polling, POLLER_THREAD_NAME);
		poller.setDaemon(true);
		return poller;
	};

	/**
	 * Creates the authorizer and checks every device-grant registration it can enumerate, so one that cannot work
	 * fails at start-up rather than at the first login.
	 * @param registrations the client registrations
	 * @param authorizedClients where logins are saved
	 * @param authorizationClient sends device authorization requests
	 * @param tokenClient sends device-code token requests
	 * @param browser opens the verification page
	 * @param console where the verification URI and user code are printed (the terminal, typically
	 * {@code System.err})
	 * @param endpoints the device authorization endpoints
	 * @param defaultAccount the account logins are saved under, or {@code null} for the operating-system user name
	 * @param defaultTimeout how long a login waits for the user at most; must be positive
	 * @throws InvalidRegistrationException if a device-grant registration cannot work
	 */
	public DefaultDeviceAuthorizer(ClientRegistrationRepository registrations,
			OAuth2AuthorizedClientService authorizedClients, DeviceAuthorizationClient authorizationClient,
			OAuth2AccessTokenResponseClient<DeviceCodeGrantRequest> tokenClient, BrowserLauncher browser,
			PrintStream console, DeviceEndpoints endpoints, @Nullable String defaultAccount, Duration defaultTimeout) {
		this(registrations, authorizedClients, authorizationClient,
				new DevicePolling(tokenClient, Clock.systemUTC(), DevicePolling.Sleeper.THREAD), browser, console,
				endpoints, defaultAccount, defaultTimeout);
	}

	DefaultDeviceAuthorizer(ClientRegistrationRepository registrations,
			OAuth2AuthorizedClientService authorizedClients, DeviceAuthorizationClient authorizationClient,
			DevicePolling polling, BrowserLauncher browser, PrintStream console, DeviceEndpoints endpoints,
			@Nullable String defaultAccount, Duration defaultTimeout) {
		this.registrations = registrations;
		this.authorizedClients = authorizedClients;
		this.authorizationClient = authorizationClient;
		this.polling = polling;
		this.browser = browser;
		this.console = Objects.requireNonNull(console, "console must not be null");
		this.endpoints = endpoints;
		this.defaultTimeout = AuthorizationOptions.requirePositiveTimeout(defaultTimeout);
		this.defaultAccount = Accounts.defaultAccount(defaultAccount);
		Registrations.all(registrations)
			.stream()
			.filter((registration) -> AuthorizationGrantType.DEVICE_CODE.equals(registration.getAuthorizationGrantType()))
			.forEach(this::endpoint);
	}

	/**
	 * How the countdown of a waiting login is shown ({@code oauth-callback.login.progress}). Defaults to
	 * {@link ProgressStyle#AUTO}.
	 * @param progress the style
	 * @param clock the clock the countdown reads
	 */
	public void setProgress(ProgressStyle progress, Clock clock) {
		this.progress = Objects.requireNonNull(progress, "progress must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	/**
	 * Stops the polling of the device logins of this authorizer that still wait (the application context is
	 * closing), saying so on the console. A login already being saved completes.
	 */
	@Override
	public void close() {
		WaitingLogins.cancel(this, WaitingLogins.CONTEXT_CLOSING);
	}

	@Override
	public OAuth2AuthorizedClient authorize(String registrationId, @Nullable AuthorizationOptions options) {
		return LoginFuture.await(registrationId, authorizeAsync(registrationId, options));
	}

	@Override
	public boolean supports(String registrationId) {
		ClientRegistration registration = this.registrations.findByRegistrationId(registrationId);
		return registration != null && this.endpoints.of(registration) != null;
	}

	/**
	 * Makes the polling threads (tests: a thread that cannot start).
	 * @param pollers the factory; its threads must be daemon threads
	 */
	void setPollers(ThreadFactory pollers) {
		this.pollers = Objects.requireNonNull(pollers, "pollers must not be null");
	}

	/**
	 * Where each device login of a known registration (from its device authorization request until its tokens are
	 * saved, or it failed) is an {@code oauth.callback.login} observation. Defaults to
	 * {@link ObservationRegistry#NOOP}.
	 * @param observations the registry
	 */
	public void setObservationRegistry(ObservationRegistry observations) {
		this.observations = Objects.requireNonNull(observations, "observations must not be null");
	}

	@Override
	public CompletableFuture<OAuth2AuthorizedClient> authorizeAsync(String registrationId,
			@Nullable AuthorizationOptions options) {
		if (this.registrations.findByRegistrationId(registrationId) == null) {
			// Unknown: reported without an observation, whose registration tag would take any value a caller gives.
			return deviceLogin(registrationId, options);
		}
		LoginObservationContext observed = new LoginObservationContext(registrationId,
				OAuthCallbackObservationContext.grant(AuthorizationGrantType.DEVICE_CODE), LoginObservationContext.DEVICE);
		return Observations.observeAsync(OAuthCallbackObservationDocumentation.LOGIN, LOGIN_CONVENTION, observed,
				this.observations, ObservedFailures::of, () -> deviceLogin(registrationId, options));
	}

	private CompletableFuture<OAuth2AuthorizedClient> deviceLogin(String registrationId,
			@Nullable AuthorizationOptions options) {
		AuthorizationOptions given = (options != null) ? options : AuthorizationOptions.defaults();
		ClientRegistration registration = this.registrations.findByRegistrationId(registrationId);
		if (registration == null) {
			throw new UnknownRegistrationException(registrationId, (this.registrations instanceof Iterable<?>)
					? Registrations.ids(this.registrations) : null);
		}
		URI endpoint = endpoint(registration);
		String account = StringUtils.hasText(given.account()) ? given.account() : this.defaultAccount;
		Duration timeout = (given.timeout() != null) ? given.timeout() : this.defaultTimeout;
		Set<String> scopes = new LinkedHashSet<>(registration.getScopes());
		scopes.addAll(given.additionalScopes());
		OAuth2DeviceAuthorizationResponse authorization;
		try {
			authorization = this.authorizationClient.authorize(registration, endpoint, scopes);
		}
		catch (OAuth2AuthorizationException ex) {
			throw DeviceLoginFailures.authorizationRequestRefused(registration, endpoint, ex);
		}
		String source = "The verification URI that the device authorization endpoint of registration '"
				+ registrationId + "' sent";
		URI verification = BrowserUris.requireSafe(authorization.getVerificationUri(), source);
		URI complete = (authorization.getVerificationUriComplete() != null)
				? BrowserUris.requireSafe(authorization.getVerificationUriComplete(), source + " (complete)") : null;
		Duration lifetime = Duration.between(authorization.getDeviceCode().getIssuedAt(),
				authorization.getDeviceCode().getExpiresAt());
		Duration waiting = (lifetime.compareTo(timeout) < 0) ? lifetime : timeout;
		LoginFuture login = new LoginFuture();
		try {
			// Before the code is shown: Ctrl-C pressed as soon as it appears cancels the login and says so.
			WaitingLogins.Waiting registered = WaitingLogins.register(this, (reason) -> {
				if (login.completeExceptionally(new AuthorizationCancelledException(registrationId))) {
					this.console.println("The '" + registrationId + "' device login was cancelled: " + reason
							+ ". Polling has stopped; the code shown above is no longer awaited.");
					this.console.flush();
				}
			});
			login.whenComplete((client, failure) -> registered.done());
			prompt(registration, verification, complete, authorization.getUserCode().getTokenValue(), waiting);
			if (login.isDone()) {
				// Cancelled while the code was shown: no browser, no countdown, no polling.
				return login;
			}
			open(registrationId, (complete != null) ? complete : verification);
			WaitingProgress countdown = WaitingProgress.start(this.console, this.progress, this.clock,
					"Waiting for approval of the '" + registrationId + "' login", waiting);
			login.whenComplete((client, failure) -> countdown.stop());
			Thread poller = this.pollers
				.newThread(() -> poll(registration, authorization, account, timeout, login, countdown));
			login.whenComplete((client, failure) -> {
				// Ended from outside (cancelled, completed by hand): stop waiting at once.
				if (Thread.currentThread() != poller) {
					poller.interrupt();
				}
			});
			poller.start();
		}
		catch (RuntimeException | Error ex) {
			// No countdown or no polling thread (out of threads, say): the login ends here, as a loopback login whose
			// listener cannot start does, and its Ctrl-C registration and countdown go with it.
			login.fail(ex);
			throw ex;
		}
		return login;
	}

	private void poll(ClientRegistration registration, OAuth2DeviceAuthorizationResponse authorization,
			String account, Duration timeout, LoginFuture login, WaitingProgress countdown) {
		String id = registration.getRegistrationId();
		try {
			OAuth2AccessTokenResponse response = this.polling.poll(registration, authorization, timeout,
					login::isDone);
			// Approved: the countdown ends before anything is logged.
			countdown.stop();
			OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(registration, account,
					response.getAccessToken(), response.getRefreshToken());
			if (!login.commit()) {
				// Abandoned while the token request was under way: the caller was told so; nothing is saved.
				return;
			}
			this.authorizedClients.saveAuthorizedClient(client, Accounts.principal(account));
			logger.info("Logged in to '" + id + "' as account '" + account + "' (device authorization)");
			login.succeed(client);
		}
		catch (InterruptedException ex) {
			login.fail(new AuthorizationCancelledException(id));
		}
		catch (RuntimeException | Error ex) {
			login.fail(ex);
		}
	}

	/**
	 * The terminal prompt of RFC 8628 section 3.3: where to go and the code to enter, what is being authorized
	 * (section 5.4: a user who did not start this login must not enter the code), and how long it waits.
	 */
	private void prompt(ClientRegistration registration, URI verification, @Nullable URI complete, String userCode,
			Duration waiting) {
		String id = registration.getRegistrationId();
		String name = SafeText.providerText(registration.getClientName());
		String what = (StringUtils.hasText(name) && !name.equals(id)) ? "'" + name + "' (registration '" + id + "')"
				: "registration '" + id + "'";
		StringBuilder text = new StringBuilder();
		text.append("To log in to ").append(what).append(", open this page on any device:").append(System.lineSeparator());
		text.append("  ").append(verification).append(System.lineSeparator());
		text.append("and enter the code:  ").append(SafeText.providerText(userCode)).append(System.lineSeparator());
		if (complete != null) {
			text.append("(or open ").append(complete).append(", which fills the code in; check that it matches)")
				.append(System.lineSeparator());
		}
		text.append("Enter the code only if you started this login yourself: it signs this program in as you. ")
			.append("Waiting for approval (up to ")
			.append(minutes(waiting))
			.append(").");
		this.console.println(text);
		this.console.flush();
	}

	private static String minutes(Duration waiting) {
		long seconds = waiting.toSeconds();
		return (seconds % 60 == 0) ? (seconds / 60) + " min" : seconds + " s";
	}

	private void open(String registrationId, URI page) {
		try {
			this.browser.open(page);
		}
		catch (Exception ex) {
			logger.info("No browser opened for the device login of '" + registrationId + "' ("
					+ SafeText.describe(ex) + "); open the page printed above on any device.");
		}
	}

	/**
	 * The registration's device authorization endpoint, after checking that the registration can log in with the
	 * device grant.
	 */
	private URI endpoint(ClientRegistration registration) {
		String id = registration.getRegistrationId();
		AuthorizationGrantType grant = registration.getAuthorizationGrantType();
		if (!AuthorizationGrantType.DEVICE_CODE.equals(grant)
				&& !AuthorizationGrantType.AUTHORIZATION_CODE.equals(grant)) {
			throw new InvalidRegistrationException(id, "authorization-grant-type", "Registration '" + id
					+ "' uses the " + grant.getValue() + " grant, which logs in no user; a device login needs "
					+ "authorization-grant-type: " + AuthorizationGrantType.DEVICE_CODE.getValue() + ".");
		}
		URI endpoint = this.endpoints.of(registration);
		if (endpoint == null) {
			throw new InvalidRegistrationException(id, "provider", "Registration '" + id + "' has no device "
					+ "authorization endpoint: its provider's discovery document has no " + DeviceEndpoints.METADATA_NAME
					+ " (or it is not discovered through an issuer-uri). Set oauth-callback.registrations." + id
					+ ".device-authorization-uri to the provider's device authorization endpoint.");
		}
		if (!StringUtils.hasText(registration.getClientSecret())
				&& !ClientAuthenticationMethod.NONE.equals(registration.getClientAuthenticationMethod())) {
			throw new InvalidRegistrationException(id, "client-authentication-method", "Registration '" + id
					+ "' has no client-secret, and its client authentication method is '"
					+ registration.getClientAuthenticationMethod().getValue() + "' (Spring Security picks "
					+ "client_secret_basic for a device-grant registration without one). A device login of a public "
					+ "client sends only its client_id: set spring.security.oauth2.client.registration." + id
					+ ".client-authentication-method=none, or give it a client-secret.");
		}
		return endpoint;
	}

}

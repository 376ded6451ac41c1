package io.github.oauthcallback.internal.authorize;

import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.InvalidRegistrationException;
import io.github.oauthcallback.internal.Registrations;
import io.github.oauthcallback.UnknownRegistrationException;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.tokenendpoint.ResourceIndicators;
import io.github.oauthcallback.internal.browser.BrowserUris;
import io.github.oauthcallback.internal.environment.LoginMode;
import io.github.oauthcallback.internal.environment.LoginPlan;
import io.github.oauthcallback.internal.environment.LoginPlan.Way;
import io.github.oauthcallback.internal.loopback.AuthorizationResponseCheck;
import io.github.oauthcallback.internal.loopback.CallbackEndpoint;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.internal.loopback.LoopbackListener;
import io.github.oauthcallback.internal.loopback.PasteBackReader;
import io.github.oauthcallback.internal.progress.ProgressStyle;
import io.github.oauthcallback.internal.progress.WaitingLogins;
import io.github.oauthcallback.internal.progress.WaitingProgress;
import io.github.oauthcallback.internal.observation.LoginObservationContext;
import io.github.oauthcallback.internal.observation.LoginObservationConvention;
import io.github.oauthcallback.internal.observation.OAuthCallbackObservationContext;
import io.github.oauthcallback.internal.observation.OAuthCallbackObservationDocumentation;
import io.github.oauthcallback.internal.observation.Observations;
import io.github.oauthcallback.internal.tokenendpoint.ObservedFailures;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.util.StringUtils;

/**
 * The default {@link LoopbackAuthorizer}: chooses how the login runs ({@link LoginWays}, and says so), binds a
 * {@link LoopbackListener}, prints the authorization URL ("Open this URL to continue: ...") and then hands it to the
 * {@link BrowserLauncher} (unless the URL is only to be printed), in an interactive terminal also accepts the address
 * the browser ended on ({@link PasteBackReader}), exchanges the code with Spring Security's token client and saves the
 * result through the {@link OAuth2AuthorizedClientService}. While the login waits, a countdown to its timeout is shown
 * ({@link WaitingProgress}); Ctrl-C, or closing the application context ({@link #close()}), cancels it and releases
 * the listener's port ({@link WaitingLogins}). Where the device authorization grant is chosen, the login is the
 * {@link DeviceLoginStarter}'s.
 */
public final class DefaultLoopbackAuthorizer implements LoopbackAuthorizer, AutoCloseable {

	private static final Log logger = LogFactory.getLog(DefaultLoopbackAuthorizer.class);

	private static final LoginObservationConvention LOGIN_CONVENTION = new LoginObservationConvention();

	private final ClientRegistrationRepository registrations;

	private final OAuth2AuthorizedClientService authorizedClients;

	private final AuthorizationCodeExchanger exchanger;

	private final BrowserLauncher browser;

	private final PrintStream console;

	private final ListenerSettings listener;

	private final String defaultAccount;

	private final Duration defaultTimeout;

	private Map<String, Map<String, String>> authorizationParameters = Map.of();

	private LoginWays ways;

	private ResourceIndicators resources = ResourceIndicators.none();

	private ProgressStyle progress = ProgressStyle.AUTO;

	private Clock clock = Clock.systemUTC();

	private ObservationRegistry observations = ObservationRegistry.NOOP;

	/**
	 * Creates the authorizer, printing authorization URLs to {@code System.err}. See
	 * {@link #DefaultLoopbackAuthorizer(ClientRegistrationRepository, OAuth2AuthorizedClientService,
	 * OAuth2AccessTokenResponseClient, JwtDecoderFactory, BrowserLauncher, PrintStream, ListenerSettings, String,
	 * Duration)}.
	 * @param registrations the client registrations
	 * @param authorizedClients where logins are saved
	 * @param tokenResponseClient the token client for the code exchange
	 * @param idTokenDecoderFactory decoders for OIDC ID tokens
	 * @param browser sends the user to the authorization URL
	 * @param listener where the loopback listener binds by default, and its pages
	 * @param defaultAccount the account logins are saved under, or {@code null} for the operating-system user name
	 * @param defaultTimeout how long a login waits for the user; must be positive
	 * @throws InvalidRegistrationException if a registration cannot work from the command line
	 * @throws IllegalArgumentException if the timeout is not positive
	 */
	public DefaultLoopbackAuthorizer(ClientRegistrationRepository registrations,
			OAuth2AuthorizedClientService authorizedClients,
			OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> tokenResponseClient,
			JwtDecoderFactory<ClientRegistration> idTokenDecoderFactory, BrowserLauncher browser,
			ListenerSettings listener, @Nullable String defaultAccount, Duration defaultTimeout) {
		this(registrations, authorizedClients, tokenResponseClient, idTokenDecoderFactory, browser, System.err,
				listener, defaultAccount, defaultTimeout);
	}

	/**
	 * Creates the authorizer and checks every authorization-code registration it can enumerate, so a registration
	 * that cannot work from the command line fails at start-up rather than at the first login.
	 * @param registrations the client registrations
	 * @param authorizedClients where logins are saved
	 * @param tokenResponseClient the token client for the code exchange
	 * @param idTokenDecoderFactory decoders for OIDC ID tokens
	 * @param browser sends the user to the authorization URL
	 * @param console where the authorization URL is printed before {@code browser} is called, whatever it does (the
	 * terminal, typically {@code System.err})
	 * @param listener where the loopback listener binds by default, and its pages
	 * @param defaultAccount the account logins are saved under, or {@code null} for the operating-system user name
	 * @param defaultTimeout how long a login waits for the user; must be positive
	 * @throws InvalidRegistrationException if a registration cannot work from the command line
	 * @throws IllegalArgumentException if the timeout is not positive
	 */
	public DefaultLoopbackAuthorizer(ClientRegistrationRepository registrations,
			OAuth2AuthorizedClientService authorizedClients,
			OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> tokenResponseClient,
			JwtDecoderFactory<ClientRegistration> idTokenDecoderFactory, BrowserLauncher browser, PrintStream console,
			ListenerSettings listener, @Nullable String defaultAccount, Duration defaultTimeout) {
		this.registrations = registrations;
		this.authorizedClients = authorizedClients;
		this.exchanger = new AuthorizationCodeExchanger(tokenResponseClient, idTokenDecoderFactory);
		this.browser = browser;
		this.console = Objects.requireNonNull(console, "console must not be null");
		this.listener = listener;
		this.defaultAccount = Accounts.defaultAccount(defaultAccount);
		this.defaultTimeout = AuthorizationOptions.requirePositiveTimeout(defaultTimeout);
		this.ways = LoginWays.system(LoginMode.AUTO, browser, null);
		for (ClientRegistration registration : Registrations.all(registrations)) {
			if (AuthorizationGrantType.AUTHORIZATION_CODE.equals(registration.getAuthorizationGrantType())) {
				check(registration);
			}
		}
	}

	/**
	 * Extra parameters for the authorization requests of some registrations (for example Google's
	 * {@code access_type=offline}). Parameters the starter sets itself (state, nonce, PKCE, scope, ...) cannot be
	 * replaced this way, and {@code response_mode}, {@code request} and {@code request_uri} are not sent.
	 * @param parameters parameters by registration id
	 */
	public void setAuthorizationParameters(Map<String, Map<String, String>> parameters) {
		this.authorizationParameters = Map.copyOf(parameters);
	}

	/**
	 * The RFC 8707 {@code resource} of each registration, sent on its authorization requests (the token client sends
	 * it on the code exchange). Defaults to none.
	 * @param resources the resource indicators
	 */
	public void setResourceIndicators(ResourceIndicators resources) {
		this.resources = Objects.requireNonNull(resources, "resources must not be null");
	}

	/**
	 * How logins choose their way: the mode ({@code oauth-callback.login.mode}), the run, the terminal a pasted
	 * address is read from, and the device-grant hook. Defaults to {@code auto} for this process, without the device
	 * grant.
	 * @param ways the ways
	 */
	public void setLoginWays(LoginWays ways) {
		this.ways = Objects.requireNonNull(ways, "ways must not be null");
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
	 * Cancels the logins of this authorizer that still wait (the application context is closing): each releases its
	 * listener's port and says so on the console. A login already being saved completes.
	 */
	@Override
	public void close() {
		WaitingLogins.cancel(this, WaitingLogins.CONTEXT_CLOSING);
	}

	/**
	 * Where each browser login (from its start until its tokens are saved, or it failed) is an
	 * {@code oauth.callback.login} observation. A login handed to the device grant is the {@link DeviceLoginStarter}'s
	 * to observe. Defaults to {@link ObservationRegistry#NOOP}.
	 * @param observations the registry
	 */
	public void setObservationRegistry(ObservationRegistry observations) {
		this.observations = Objects.requireNonNull(observations, "observations must not be null");
	}

	@Override
	public OAuth2AuthorizedClient authorize(String registrationId, @Nullable AuthorizationOptions options) {
		return LoginFuture.await(registrationId, authorizeAsync(registrationId, options));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The future is the caller's own: completing it cannot change the listener's outcome. Cancelling it (or completing
	 * it by hand) ends the login, releases the listener and guarantees nothing is saved; once the tokens are being
	 * saved, cancelling is refused and the future completes with the saved client.
	 */
	@Override
	public CompletableFuture<OAuth2AuthorizedClient> authorizeAsync(String registrationId,
			@Nullable AuthorizationOptions options) {
		AuthorizationOptions given = (options != null) ? options : AuthorizationOptions.defaults();
		ClientRegistration registration = registration(registrationId);
		String account = StringUtils.hasText(given.account()) ? given.account() : this.defaultAccount;
		Duration timeout = (given.timeout() != null) ? given.timeout() : this.defaultTimeout;
		LoginPlan plan = this.ways.plan(registration);
		if (plan.way() == Way.DEVICE) {
			WaitingScreen.announce(this.console, logger, registrationId, "login", plan, 0);
			return Objects.requireNonNull(this.ways.device())
				.start(registration, given.withAccount(account).withTimeout(timeout));
		}
		LoginObservationContext observed = new LoginObservationContext(registrationId,
				OAuthCallbackObservationContext.grant(AuthorizationGrantType.AUTHORIZATION_CODE),
				(plan.way() == Way.BROWSER) ? LoginObservationContext.BROWSER : LoginObservationContext.PRINT);
		return Observations.observeAsync(OAuthCallbackObservationDocumentation.LOGIN, LOGIN_CONVENTION, observed,
				this.observations, ObservedFailures::of,
				() -> loopbackLogin(registration, given, account, timeout, plan));
	}

	private CompletableFuture<OAuth2AuthorizedClient> loopbackLogin(ClientRegistration registration,
			AuthorizationOptions given, String account, Duration timeout, LoginPlan plan) {
		String registrationId = registration.getRegistrationId();
		CallbackEndpoint endpoint = CallbackEndpoint.resolve(registration.getRedirectUri(), registrationId,
				this.listener);
		String state = AuthorizationRequests.newState();
		AtomicReference<OAuth2AuthorizationRequest> request = new AtomicReference<>();
		LoginFuture login = new LoginFuture();
		WaitingScreen screen = new WaitingScreen(this.console, logger, this.ways, this.browser, this.progress,
				this.clock);
		LoopbackListener<OAuth2AuthorizedClient> listener = LoopbackListener.start(endpoint, this.listener.pages(),
				AuthorizationResponseCheck.forRegistration(registration, state), timeout, (code) -> {
					screen.stopCountdown();
					OAuth2AuthorizedClient client = this.exchanger.exchange(registration, request.get(), code, account);
					if (!login.commit()) {
						// Cancelled during the exchange: the caller was told so, and nothing may be saved.
						throw new AuthorizationCancelledException(registrationId);
					}
					this.authorizedClients.saveAuthorizedClient(client, Accounts.principal(account));
					logger.info("Logged in to '" + registrationId + "' as account '" + account + "'");
					return client;
				});
		listener.outcome().whenComplete((client, failure) -> {
			screen.end();
			if (failure != null) {
				login.fail(failure);
			}
			else {
				login.succeed(client);
			}
		});
		login.whenComplete((client, failure) -> listener.close());
		try {
			OAuth2AuthorizationRequest authorizationRequest = AuthorizationRequests.build(registration,
					listener.redirectUri(), state, given,
					this.authorizationParameters.getOrDefault(registrationId, Map.of()),
					this.resources.resource(registration));
			request.set(authorizationRequest);
			URI authorizationUri = URI.create(authorizationRequest.getAuthorizationRequestUri());
			BrowserUris.requireSafe(authorizationUri, "The authorization URL of registration '" + registrationId + "'");
			screen.show(this, registrationId, "login", plan, authorizationUri, listener, login, timeout);
		}
		catch (RuntimeException | Error ex) {
			listener.close();
			throw ex;
		}
		return login;
	}

	private ClientRegistration registration(String registrationId) {
		ClientRegistration registration = this.registrations.findByRegistrationId(registrationId);
		if (registration == null) {
			throw new UnknownRegistrationException(registrationId, (this.registrations instanceof Iterable<?>)
					? Registrations.ids(this.registrations) : null);
		}
		if (!AuthorizationGrantType.AUTHORIZATION_CODE.equals(registration.getAuthorizationGrantType())) {
			throw new InvalidRegistrationException(registrationId, "authorization-grant-type", "Registration '"
					+ registrationId + "' uses the " + registration.getAuthorizationGrantType().getValue()
					+ " grant; a browser login needs authorization-grant-type: authorization_code.");
		}
		check(registration);
		return registration;
	}

	private void check(ClientRegistration registration) {
		String id = registration.getRegistrationId();
		CallbackEndpoint.resolve(registration.getRedirectUri(), id, this.listener);
		BrowserUris.requireSafe(registration.getProviderDetails().getAuthorizationUri(), "The authorization-uri of "
				+ "registration '" + id + "' (spring.security.oauth2.client.provider.<id>.authorization-uri, or the "
				+ "authorization_endpoint of the provider's issuer-uri discovery document)");
		if (!StringUtils.hasText(registration.getClientSecret())
				&& !ClientAuthenticationMethod.NONE.equals(registration.getClientAuthenticationMethod())) {
			throw new InvalidRegistrationException(id, "client-authentication-method", "Registration '" + id
					+ "' has no client-secret but its client "
					+ "authentication method is '" + registration.getClientAuthenticationMethod().getValue()
					+ "' (issuer-uri discovery picks it when the provider supports it). A command-line app is usually "
					+ "a public client: set spring.security.oauth2.client.registration." + id
					+ ".client-authentication-method=none, or give it a client-secret.");
		}
	}

}

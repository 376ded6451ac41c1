package io.github.oauthcallback.internal.authorize;

import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.InvalidRegistrationException;
import io.github.oauthcallback.OAuthCallbackException;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.authorize.CaptureOptions;
import io.github.oauthcallback.authorize.CapturedCallback;
import io.github.oauthcallback.authorize.LoopbackCodeCapture;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.browser.BrowserUris;
import io.github.oauthcallback.internal.browser.SystemBrowserLauncher;
import io.github.oauthcallback.internal.environment.LoginMode;
import io.github.oauthcallback.internal.environment.LoginPlan;
import io.github.oauthcallback.internal.environment.LoginPlanner;
import io.github.oauthcallback.internal.loopback.AuthorizationResponseCheck;
import io.github.oauthcallback.internal.loopback.CallbackEndpoint;
import io.github.oauthcallback.internal.loopback.CodeProcessor;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.internal.loopback.LoopbackListener;
import io.github.oauthcallback.internal.loopback.QueryParameters;
import io.github.oauthcallback.internal.progress.ProgressStyle;
import io.github.oauthcallback.internal.progress.WaitingLogins;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link LoopbackCodeCapture}: the starter's browser login without a registration, a code exchange or a
 * store. It binds a {@link LoopbackListener} whose {@link AuthorizationResponseCheck} learns its {@code state} from
 * the URL the caller builds, then reaches the user as {@link DefaultLoopbackAuthorizer} does, through the same
 * {@code WaitingScreen}: the same way ({@link LoginPlanner}, with the device grant out of reach since it yields no
 * authorization code), the URL printed first, a pasted address in a terminal, the countdown, and cancellation on
 * Ctrl-C or a closing context.
 */
public final class DefaultLoopbackCodeCapture implements LoopbackCodeCapture, AutoCloseable {

	private static final Log logger = LogFactory.getLog(DefaultLoopbackCodeCapture.class);

	/** Shortest state that is not warned about. */
	static final int MIN_STATE_LENGTH = 16;

	/** The default timeout of {@link #standalone()}, as {@code oauth-callback.login.timeout}'s. */
	static final Duration STANDALONE_TIMEOUT = Duration.ofMinutes(5);

	private final BrowserLauncher browser;

	private final PrintStream console;

	private final ListenerSettings listener;

	private final Duration defaultTimeout;

	private final LoginWays ways;

	private final ProgressStyle progress;

	private final Clock clock;

	/**
	 * @param browser sends the user to the authorization URL
	 * @param console where the URL, the countdown and the messages are printed (typically {@code System.err})
	 * @param listener where the listener binds unless the options say, and its pages
	 * @param defaultTimeout how long a capture waits unless the options say; must be positive
	 * @param ways the login mode, the run and the terminal (its device hook is not used)
	 * @param progress how the countdown is shown
	 * @param clock the clock the countdown reads
	 */
	public DefaultLoopbackCodeCapture(BrowserLauncher browser, PrintStream console, ListenerSettings listener,
			Duration defaultTimeout, LoginWays ways, ProgressStyle progress, Clock clock) {
		this.browser = Objects.requireNonNull(browser, "browser must not be null");
		this.console = Objects.requireNonNull(console, "console must not be null");
		this.listener = Objects.requireNonNull(listener, "listener must not be null");
		this.defaultTimeout = AuthorizationOptions.requirePositiveTimeout(defaultTimeout);
		this.ways = Objects.requireNonNull(ways, "ways must not be null");
		this.progress = Objects.requireNonNull(progress, "progress must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	/**
	 * @return a capture with the defaults of {@link LoopbackCodeCapture#create()}
	 */
	public static DefaultLoopbackCodeCapture standalone() {
		BrowserLauncher browser = new SystemBrowserLauncher(null);
		return new DefaultLoopbackCodeCapture(browser, System.err, ListenerSettings.defaults(), STANDALONE_TIMEOUT,
				LoginWays.system(LoginMode.AUTO, browser, null), ProgressStyle.AUTO, Clock.systemUTC());
	}

	/**
	 * Cancels the captures of this bean that still wait (the application context is closing), releasing their ports.
	 */
	@Override
	public void close() {
		WaitingLogins.cancel(this, WaitingLogins.CONTEXT_CLOSING);
	}

	@Override
	public CapturedCallback capture(Function<URI, URI> authorizationUrl, @Nullable CaptureOptions options) {
		String name = (options != null) ? options.name() : CaptureOptions.DEFAULT_NAME;
		Started capture = start(authorizationUrl, options);
		try {
			// The listener is closed, its port released, before the caller gets the callback.
			return capture.released().get();
		}
		catch (InterruptedException ex) {
			capture.result().cancel(true);
			Thread.currentThread().interrupt();
			throw new AuthorizationCancelledException(name);
		}
		catch (CancellationException ex) {
			throw new AuthorizationCancelledException(name);
		}
		catch (ExecutionException ex) {
			throw failed(name, ex.getCause());
		}
	}

	@Override
	public CompletableFuture<CapturedCallback> captureAsync(Function<URI, URI> authorizationUrl,
			@Nullable CaptureOptions options) {
		return start(authorizationUrl, options).result();
	}

	/**
	 * A started capture: its result (cancelling it ends the capture), and the same outcome once the listener is
	 * closed.
	 */
	private record Started(CompletableFuture<CapturedCallback> result, CompletableFuture<CapturedCallback> released) {
	}

	private Started start(Function<URI, URI> authorizationUrl, @Nullable CaptureOptions options) {
		Objects.requireNonNull(authorizationUrl, "authorizationUrl must not be null");
		CaptureOptions given = (options != null) ? options : CaptureOptions.defaults();
		String name = given.name();
		Duration timeout = (given.timeout() != null) ? given.timeout() : this.defaultTimeout;
		CallbackEndpoint endpoint = endpoint(given);
		AuthorizationResponseCheck check = AuthorizationResponseCheck.deferred(name, given.expectedIssuer(),
				given.issuerRequired());
		WaitingScreen screen = new WaitingScreen(this.console, logger, this.ways, this.browser, this.progress,
				this.clock);
		AtomicReference<URI> redirect = new AtomicReference<>();
		LoopbackListener<CapturedCallback> listener = LoopbackListener.start(endpoint, this.listener.pages(), check,
				timeout, new CodeProcessor<>() {

					@Override
					public CapturedCallback process(String code) {
						throw new IllegalStateException("processCallback is the one used");
					}

					@Override
					public CapturedCallback processCallback(AuthorizationResponseCheck.Code callback) {
						screen.stopCountdown();
						return new CapturedCallback(redirect.get(), callback.parameters());
					}

				});
		CompletableFuture<CapturedCallback> result = new CompletableFuture<>();
		listener.outcome().whenComplete((callback, failure) -> {
			screen.end();
			if (failure != null) {
				result.completeExceptionally(failure);
			}
			else {
				result.complete(callback);
			}
		});
		CompletableFuture<CapturedCallback> released = result.whenComplete((callback, failure) -> listener.close());
		try {
			URI redirectUri = listener.redirectUri();
			redirect.set(redirectUri);
			URI url = built(name, authorizationUrl, redirectUri);
			check.expectState(state(name, url, redirectUri));
			LoginMode mode = (this.ways.mode() == LoginMode.DEVICE) ? LoginMode.AUTO : this.ways.mode();
			LoginPlan plan = LoginPlanner.plan(mode, this.ways.environment(), this.ways.terminal().isTerminal(),
					this.ways.browser().get(), false);
			screen.show(this, name, "capture", plan, url, listener, result, timeout);
		}
		catch (RuntimeException | Error ex) {
			listener.close();
			throw ex;
		}
		return new Started(result, released);
	}

	private CallbackEndpoint endpoint(CaptureOptions options) {
		try {
			return CallbackEndpoint.resolve(options.redirectUri(), options.name(), this.listener);
		}
		catch (InvalidRegistrationException ex) {
			throw new IllegalArgumentException("The redirect URI of the '" + options.name() + "' capture is '"
					+ options.redirectUri() + "', which is not a loopback http URI. Use http://127.0.0.1/callback "
					+ "(any port), http://[::1]/callback or http://localhost/callback, registered the same way at the "
					+ "provider (RFC 8252 section 7.3), or leave it out for the oauth-callback.listener settings.");
		}
	}

	private static URI built(String name, Function<URI, URI> authorizationUrl, URI redirectUri) {
		URI url = authorizationUrl.apply(redirectUri);
		if (url == null) {
			throw new IllegalArgumentException("The authorization URL function of the '" + name + "' capture "
					+ "returned null; return the URL the user must open, built with the redirect URI it is given.");
		}
		return BrowserUris.requireSafe(url, "The authorization URL of the '" + name + "' capture");
	}

	/**
	 * The state of the built URL, after checking that the URL sends the user back to this listener.
	 */
	private static String state(String name, URI url, URI redirectUri) {
		QueryParameters query = QueryParameters.parse(url.getRawQuery());
		if (query == null) {
			throw new IllegalArgumentException("The authorization URL of the '" + name + "' capture has a malformed "
					+ "query (bad percent-encoding, or too many parameters); build it with the OAuth library's URL "
					+ "builder.");
		}
		List<String> states = query.values("state");
		if (states.size() != 1 || states.get(0).isEmpty()) {
			throw new IllegalArgumentException("The authorization URL of the '" + name + "' capture carries "
					+ (states.isEmpty() ? "no state" : states.size() + " state values") + ". The callback's state is "
					+ "what shows it answers this request (RFC 6749 section 10.12): put exactly one fresh, random "
					+ "state in the URL (most OAuth libraries do so by default).");
		}
		List<String> redirects = query.values("redirect_uri");
		if (redirects.size() > 1 || (redirects.size() == 1 && !redirects.get(0).equals(redirectUri.toString()))) {
			throw new IllegalArgumentException("The authorization URL of the '" + name + "' capture sends the "
					+ "browser to another redirect_uri than the listener's " + redirectUri + ": build the URL with "
					+ "the redirect URI the function is given.");
		}
		warnIfWeak(name, states.get(0), query);
		return states.get(0);
	}

	/**
	 * Warns, without any value, when the caller's URL has a state too short to be unguessable or no PKCE challenge:
	 * RFC 8252 (section 8.1) and RFC 9700 (section 2.1.1) want PKCE for native apps, and the state is the only other
	 * thing tying the callback to this request. The capture goes on: the URL is the caller's to build.
	 */
	private static void warnIfWeak(String name, String state, QueryParameters query) {
		if (state.length() < MIN_STATE_LENGTH) {
			logger.warn("The authorization URL of the '" + name + "' capture carries a state shorter than "
					+ MIN_STATE_LENGTH + " characters, which can be guessed: use a fresh random value of at least "
					+ MIN_STATE_LENGTH + " characters (32 random bytes, base64url-encoded, are usual).");
		}
		if (query.values("code_challenge").isEmpty()) {
			logger.warn("The authorization URL of the '" + name + "' capture carries no code_challenge: without "
					+ "PKCE (RFC 7636) a code intercepted on this machine can be exchanged by another program. Add "
					+ "code_challenge and code_challenge_method=S256 (RFC 8252 section 8.1, RFC 9700 section 2.1.1), "
					+ "and send the code_verifier with the code.");
		}
	}

	private static OAuthCallbackException failed(String name, Throwable cause) {
		if (cause instanceof OAuthCallbackException oauthCallbackException) {
			return oauthCallbackException;
		}
		if (cause instanceof CompletionException && cause.getCause() != null) {
			return failed(name, cause.getCause());
		}
		return new OAuthCallbackException("The '" + name + "' capture failed unexpectedly: "
				+ SafeText.describe(cause) + ". Run it again once it is fixed.", cause);
	}

}

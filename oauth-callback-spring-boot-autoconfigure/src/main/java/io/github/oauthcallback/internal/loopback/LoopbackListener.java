package io.github.oauthcallback.internal.loopback;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.AuthorizationErrorException;
import io.github.oauthcallback.AuthorizationIssuerMismatchException;
import io.github.oauthcallback.AuthorizationTimeoutException;
import io.github.oauthcallback.internal.loopback.ListenerBindException;
import io.github.oauthcallback.internal.JdkHttpLogging;
import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.loopback.AuthorizationResponseCheck.Code;
import io.github.oauthcallback.internal.loopback.AuthorizationResponseCheck.NotThisLogin;
import io.github.oauthcallback.internal.loopback.AuthorizationResponseCheck.Refused;
import io.github.oauthcallback.internal.loopback.AuthorizationResponseCheck.Verdict;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A one-login HTTP listener on the loopback interface (RFC 8252 section 7.3). It binds first and builds the redirect
 * URI from the port it actually got, answers only the genuine callback (exact path, {@code GET}, own
 * {@code Host}, then the {@link AuthorizationResponseCheck}: matching {@code state}, expected {@code iss}), and stops
 * itself as soon as the login ends: success, error, timeout or cancellation. A request must reach it within a read
 * deadline ({@value #REQUEST_READ_DEADLINE_MILLIS} ms from its first byte), so connections that stall cannot hold
 * the genuine callback (see {@link RequestReadDeadlines}).
 *
 * @param <T> the result of processing the authorization code
 */
public final class LoopbackListener<T> implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(LoopbackListener.class);

	static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
			+ "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

	/** Prefix of the names of the threads that answer requests. */
	public static final String THREAD_NAME_PREFIX = "oauth-callback-listener-";

	private static final int EPHEMERAL_ATTEMPTS = 5;

	/** How long a request may take from its first byte to the end of its headers, in milliseconds. */
	static final long REQUEST_READ_DEADLINE_MILLIS = 5_000;

	private static final AtomicInteger threadCount = new AtomicInteger();

	private final String registrationId;

	private final List<HttpServer> servers;

	private final RequestReadDeadlines executor;

	private final URI redirectUri;

	private final Set<String> allowedHosts;

	private final String path;

	private final AuthorizationResponseCheck check;

	private final CallbackPages pages;

	private final CodeProcessor<T> processor;

	private final CompletableFuture<T> outcome = new CompletableFuture<>();

	/**
	 * Completed by the timeout, ended by the genuine callback or by {@link #close()}: whichever comes first wins,
	 * so a claimed callback can no longer time out and a timed-out login can no longer be claimed.
	 */
	private final CompletableFuture<Object> timer = new CompletableFuture<>();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final Set<HttpServer> started = ConcurrentHashMap.newKeySet();

	private LoopbackListener(List<HttpServer> servers, CallbackEndpoint endpoint, CallbackPages pages,
			AuthorizationResponseCheck check, CodeProcessor<T> processor, long readDeadlineMillis) {
		this.registrationId = check.registrationId();
		this.servers = servers;
		int port = servers.get(0).getAddress().getPort();
		this.redirectUri = URI.create("http://" + endpoint.host() + ":" + port + endpoint.path());
		this.allowedHosts = allowedHosts(endpoint.host(), port);
		this.path = endpoint.path();
		this.check = check;
		this.pages = pages;
		this.processor = processor;
		this.executor = new RequestReadDeadlines(readDeadlineMillis, daemonThreads(port));
	}

	/**
	 * Binds a listener that checks only the {@code state} of the callback, as for a registration without an issuer:
	 * <strong>no {@code iss} check</strong> (RFC 9207). For a login at a provider with an issuer, use
	 * {@link #start(CallbackEndpoint, CallbackPages, AuthorizationResponseCheck, Duration, CodeProcessor)} with
	 * {@link AuthorizationResponseCheck#forRegistration}.
	 * @param <T> the result type
	 * @param registrationId the registration, for messages
	 * @param endpoint where to bind
	 * @param pages the pages to answer with
	 * @param expectedState the {@code state} value the genuine callback carries
	 * @param timeout how long to wait for the genuine callback; must be positive
	 * @param processor turns the authorization code into the result
	 * @return the running listener
	 * @throws IllegalArgumentException if the timeout is not positive
	 * @throws ListenerBindException if no candidate port could be bound
	 */
	public static <T> LoopbackListener<T> start(String registrationId, CallbackEndpoint endpoint, CallbackPages pages,
			String expectedState, Duration timeout, CodeProcessor<T> processor) {
		return start(endpoint, pages, new AuthorizationResponseCheck(registrationId, expectedState, null, false),
				timeout, processor);
	}

	/**
	 * Binds a listener and starts waiting for the callback.
	 * @param <T> the result type
	 * @param endpoint where to bind
	 * @param pages the pages to answer with
	 * @param check what the genuine callback must carry ({@code state}, {@code iss}); it names the registration
	 * @param timeout how long to wait for the genuine callback; must be positive
	 * @param processor turns the authorization code of a callback that passed the check into the result
	 * @return the running listener
	 * @throws IllegalArgumentException if the timeout is not positive
	 * @throws ListenerBindException if no candidate port could be bound
	 */
	public static <T> LoopbackListener<T> start(CallbackEndpoint endpoint, CallbackPages pages,
			AuthorizationResponseCheck check, Duration timeout, CodeProcessor<T> processor) {
		return start(endpoint, pages, check, timeout, processor, HttpServer::start, REQUEST_READ_DEADLINE_MILLIS);
	}

	static <T> LoopbackListener<T> start(String registrationId, CallbackEndpoint endpoint, CallbackPages pages,
			String expectedState, Duration timeout, CodeProcessor<T> processor, ServerStarter starter) {
		return start(endpoint, pages, new AuthorizationResponseCheck(registrationId, expectedState, null, false),
				timeout, processor, starter, REQUEST_READ_DEADLINE_MILLIS);
	}

	static <T> LoopbackListener<T> start(CallbackEndpoint endpoint, CallbackPages pages,
			AuthorizationResponseCheck check, Duration timeout, CodeProcessor<T> processor, ServerStarter starter,
			long readDeadlineMillis) {
		Objects.requireNonNull(endpoint, "endpoint must not be null");
		Objects.requireNonNull(pages, "pages must not be null");
		Objects.requireNonNull(check, "check must not be null");
		Objects.requireNonNull(processor, "processor must not be null");
		String registrationId = check.registrationId();
		long timeoutMillis = timeoutMillis(registrationId, timeout);
		JdkHttpLogging.holdAtInfo();
		List<HttpServer> servers = bind(endpoint);
		LoopbackListener<T> listener = null;
		try {
			listener = new LoopbackListener<>(servers, endpoint, pages, check, processor, readDeadlineMillis);
			for (HttpServer server : servers) {
				server.setExecutor(listener.executor);
				server.createContext("/", listener::handle);
				starter.start(server);
				listener.started.add(server);
			}
			LoopbackListener<T> started = listener;
			listener.timer.completeOnTimeout(Boolean.TRUE, timeoutMillis, TimeUnit.MILLISECONDS);
			listener.timer.thenRun(() -> started.outcome
				.completeExceptionally(new AuthorizationTimeoutException(registrationId, timeout)));
			listener.outcome.whenComplete((result, failure) -> started.close());
		}
		catch (Throwable ex) {
			if (listener != null) {
				listener.close();
			}
			else {
				servers.forEach(LoopbackListener::release);
			}
			throw ex;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Listening for the '" + registrationId + "' callback on " + listener.redirectUri);
		}
		return listener;
	}

	private static long timeoutMillis(String registrationId, Duration timeout) {
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("The login timeout for registration '" + registrationId + "' is "
					+ ((timeout != null) ? timeout : "not set") + "; it must be positive. Set the login timeout "
					+ "(or AuthorizationOptions.withTimeout) to how long a login may wait for the user, for example 5m.");
		}
		try {
			return timeout.toMillis();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	/**
	 * @return the redirect URI to send in the authorization request, built from the bound socket
	 */
	public URI redirectUri() {
		return this.redirectUri;
	}

	/**
	 * @return the addresses the listener is bound to, all on the same port
	 */
	List<InetSocketAddress> boundAddresses() {
		return this.servers.stream().map(HttpServer::getAddress).toList();
	}

	/**
	 * Does what the timer does when the timeout elapses. Tests call it to let the timeout fire at a chosen moment.
	 */
	void fireTimeout() {
		this.timer.complete(Boolean.TRUE);
	}

	/**
	 * The login's outcome. Cancelling it stops the listener.
	 * @return a future completed with the processor's result, or exceptionally with
	 * {@link AuthorizationErrorException}, {@link AuthorizationIssuerMismatchException},
	 * {@link AuthorizationTimeoutException}, {@link AuthorizationCancelledException} or the processor's exception
	 */
	public CompletableFuture<T> outcome() {
		return this.outcome;
	}

	/**
	 * Stops the listener and releases its port. A login still waiting ends with
	 * {@link AuthorizationCancelledException}. Safe to call more than once.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.timer.cancel(false);
		this.outcome.completeExceptionally(new AuthorizationCancelledException(this.registrationId));
		for (HttpServer server : this.servers) {
			if (this.started.contains(server)) {
				server.stop(0);
			}
			else {
				release(server);
			}
		}
		this.executor.shutdownNow();
		if (logger.isDebugEnabled()) {
			logger.debug("Stopped the '" + this.registrationId + "' listener on port " + this.redirectUri.getPort());
		}
	}

	void handle(HttpExchange exchange) {
		try {
			respond(exchange);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not answer a request on the loopback listener: " + SafeText.describe(ex));
		}
		finally {
			exchange.close();
		}
	}

	private void respond(HttpExchange exchange) throws IOException {
		List<String> host = exchange.getRequestHeaders().get("Host");
		if (host == null || host.size() != 1 || !this.allowedHosts.contains(host.get(0).toLowerCase(Locale.ROOT))) {
			reject(exchange, 400, this.pages.badRequest(), "its Host header is not the listener's own");
			return;
		}
		if (!this.path.equals(exchange.getRequestURI().getRawPath())) {
			reject(exchange, 404, CallbackPages.NOT_FOUND, "its path is not the callback path");
			return;
		}
		if (!"GET".equals(exchange.getRequestMethod())) {
			exchange.getResponseHeaders().set("Allow", "GET");
			reject(exchange, 405, CallbackPages.METHOD_NOT_ALLOWED, "its method is not GET");
			return;
		}
		Verdict verdict = this.check.check(exchange.getRequestURI().getRawQuery());
		if (verdict instanceof NotThisLogin notThisLogin) {
			reject(exchange, 400, this.pages.badRequest(), notThisLogin.reason());
			return;
		}
		// Only the request that claims the login leaves the read deadline's reach: every other answer (a rejection
		// drains the request's body when it closes the response) stays interruptible, so requests that declare a
		// body and never send it cannot pin the listener's threads.
		if (!this.executor.enterHandler()) {
			// its read deadline ended it just now: the connection is being closed
			return;
		}
		if (!claim()) {
			reject(exchange, 400, this.pages.badRequest(), "the login already ended or received its callback");
			return;
		}
		complete(exchange, verdict);
	}

	/**
	 * Takes an authorization response the user pasted (the full address the browser ended on) through exactly the
	 * checks of a callback: the address must be this listener's redirect URI (scheme, host and port as the callback's
	 * {@code Host} must be, exact path), then {@link AuthorizationResponseCheck} judges its query, then it claims the
	 * login as a callback does, so whichever of the browser and the paste comes first wins. A response this login
	 * refuses ({@code iss} of another issuer, an {@code error}) ends it as a callback would. The address is never
	 * logged.
	 * @param address the pasted address
	 * @return whether it was taken; when {@link Submission.Result#ACCEPTED}, the code has been processed and the
	 * login has ended (see {@link #outcome()})
	 */
	public Submission submit(URI address) {
		String authority = address.getRawAuthority();
		if (!"http".equalsIgnoreCase(address.getScheme()) || authority == null
				|| !this.allowedHosts.contains(authority.toLowerCase(Locale.ROOT))
				|| !this.path.equals(address.getRawPath())) {
			return Submission.notThisLogin("it is not this login's redirect address " + this.redirectUri);
		}
		Verdict verdict = this.check.check(address.getRawQuery());
		if (verdict instanceof NotThisLogin notThisLogin) {
			return Submission.notThisLogin(notThisLogin.reason());
		}
		if (!claim()) {
			return new Submission(Submission.Result.ENDED, "the login already ended or received its callback");
		}
		logger.debug("The '" + this.registrationId + "' login continues with a pasted address");
		try {
			complete(null, verdict);
		}
		catch (IOException ex) {
			// no exchange, nothing to send
		}
		return new Submission(Submission.Result.ACCEPTED, "taken");
	}

	/**
	 * Claiming ends the timer: only one of claim (by a callback or a paste), timeout and close can complete it. (Not
	 * timer.cancel(), which also answers true when the timer was already cancelled.)
	 */
	private boolean claim() {
		return !this.closed.get() && this.timer.completeExceptionally(new CancellationException("claimed"));
	}

	/**
	 * Ends a claimed login with its verdict: the one path for callbacks and pastes.
	 * @param exchange the callback's exchange to answer, or {@code null} for a paste
	 */
	private void complete(@Nullable HttpExchange exchange, Verdict verdict) throws IOException {
		if (verdict instanceof Refused refused) {
			try {
				answer(exchange, this.pages.error());
			}
			finally {
				this.outcome.completeExceptionally(refused.failure());
			}
			return;
		}
		T result;
		try {
			result = this.processor.processCallback((Code) verdict);
		}
		catch (Throwable ex) {
			// Errors too (an AssertionError or LinkageError from a user's bean): the login must end either way.
			try {
				answer(exchange, this.pages.error());
			}
			finally {
				this.outcome.completeExceptionally(ex);
			}
			return;
		}
		try {
			// A paste has no exchange to answer: the browser, if it ever calls, finds the listener closed.
			if (exchange != null && this.pages.successRedirect() != null) {
				securityHeaders(exchange.getResponseHeaders());
				exchange.getResponseHeaders().set("Location", this.pages.successRedirect().toString());
				exchange.sendResponseHeaders(302, -1);
			}
			else if (exchange != null) {
				send(exchange, 200, this.pages.success());
			}
		}
		finally {
			this.outcome.complete(result);
		}
	}

	private static void answer(@Nullable HttpExchange exchange, byte[] body) throws IOException {
		if (exchange != null) {
			send(exchange, 200, body);
		}
	}

	private void reject(HttpExchange exchange, int status, byte[] body, String reason) throws IOException {
		if (logger.isDebugEnabled()) {
			logger.debug("Answered " + status + " to a request on the '" + this.registrationId + "' listener: "
					+ reason);
		}
		send(exchange, status, body);
	}

	private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
		Headers headers = exchange.getResponseHeaders();
		securityHeaders(headers);
		headers.set("Content-Type", "text/html; charset=utf-8");
		if ("HEAD".equals(exchange.getRequestMethod())) {
			exchange.sendResponseHeaders(status, -1);
			return;
		}
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	private static void securityHeaders(Headers headers) {
		headers.set("Cache-Control", "no-store");
		headers.set("Pragma", "no-cache");
		headers.set("Referrer-Policy", "no-referrer");
		headers.set("X-Content-Type-Options", "nosniff");
		headers.set("X-Frame-Options", "DENY");
		headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
		headers.set("Connection", "close");
	}

	private static List<HttpServer> bind(CallbackEndpoint endpoint) {
		List<InetAddress> addresses = addresses(endpoint.host());
		IOException last = null;
		for (int port : endpoint.ports()) {
			int attempts = (port == 0) ? EPHEMERAL_ATTEMPTS : 1;
			for (int attempt = 0; attempt < attempts; attempt++) {
				try {
					return bindAll(addresses, port);
				}
				catch (IOException ex) {
					last = ex;
				}
			}
		}
		String ports = endpoint.ports().stream().map(String::valueOf).collect(Collectors.joining(", "));
		String reason = (last instanceof BindException) ? "already in use" : "not available: " + last.getMessage();
		throw new ListenerBindException("Cannot listen for the login callback on " + endpoint.host() + " port(s) "
				+ ports + " (" + reason + "). Stop the program using the port, or list other ports registered with "
				+ "the provider in the listener's ports setting (or the registration's redirect-uri); use no port "
				+ "at all if the provider accepts any loopback port.", endpoint.ports(), last);
	}

	private static List<HttpServer> bindAll(List<InetAddress> addresses, int port) throws IOException {
		List<HttpServer> servers = new ArrayList<>(addresses.size());
		int actual = port;
		try {
			for (InetAddress address : addresses) {
				HttpServer server = HttpServer.create(new InetSocketAddress(address, actual), 16);
				servers.add(server);
				actual = server.getAddress().getPort();
			}
			return servers;
		}
		catch (IOException | RuntimeException ex) {
			servers.forEach(LoopbackListener::release);
			throw ex;
		}
	}

	/**
	 * Stops a server that may never have been started. {@code stop()} alone does not free the port of such a server:
	 * its socket stays registered with a selector that only its dispatcher thread closes. So it is started first; it
	 * then answers nothing of ours (no context, or the closed listener's rejection).
	 */
	private static void release(HttpServer server) {
		try {
			server.start();
		}
		catch (IllegalStateException ex) {
			// already started (or stopped)
		}
		server.stop(0);
	}

	static List<InetAddress> addresses(String host) {
		try {
			InetAddress ipv4 = InetAddress.getByAddress("localhost", new byte[] { 127, 0, 0, 1 });
			InetAddress ipv6 = InetAddress.getByAddress("localhost",
					new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 });
			return switch (host) {
				case "127.0.0.1" -> List.of(ipv4);
				case "[::1]" -> List.of(ipv6);
				default -> Ipv6Loopback.AVAILABLE ? List.of(ipv4, ipv6) : List.of(ipv4);
			};
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Set<String> allowedHosts(String host, int port) {
		Set<String> hosts = new HashSet<>();
		List<String> names = "localhost".equals(host) ? List.of("localhost", "127.0.0.1", "[::1]") : List.of(host);
		for (String name : names) {
			hosts.add(name + ":" + port);
			if (port == 80) {
				hosts.add(name);
			}
		}
		return Set.copyOf(hosts);
	}

	/** Starts one bound server; replaced in tests to make start-up fail after binding. */
	@FunctionalInterface
	interface ServerStarter {

		void start(HttpServer server);

	}

	private static ThreadFactory daemonThreads(int port) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, THREAD_NAME_PREFIX + port + "-" + threadCount.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** Whether this machine has an IPv6 loopback interface, checked once. */
	private static final class Ipv6Loopback {

		static final boolean AVAILABLE = check();

		private static boolean check() {
			try (ServerSocket socket = new ServerSocket()) {
				socket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		}

	}

	/**
	 * What became of a pasted address.
	 *
	 * @param result whether it was taken
	 * @param reason why not, for the user; never quotes the address
	 */
	public record Submission(Result result, String reason) {

		static Submission notThisLogin(String reason) {
			return new Submission(Result.NOT_THIS_LOGIN, reason);
		}

		/**
		 * Whether a pasted address was taken.
		 */
		public enum Result {

			/** It passed every check and claimed the login, which has ended with its outcome. */
			ACCEPTED,

			/** It is not this login's: the login keeps waiting. */
			NOT_THIS_LOGIN,

			/** The login had already ended or been claimed by the callback. */
			ENDED

		}

	}

}

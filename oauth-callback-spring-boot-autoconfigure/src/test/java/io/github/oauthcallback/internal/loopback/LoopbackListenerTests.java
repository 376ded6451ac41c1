package io.github.oauthcallback.internal.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.AuthorizationErrorException;
import io.github.oauthcallback.AuthorizationTimeoutException;
import io.github.oauthcallback.internal.loopback.ListenerBindException;
import io.github.oauthcallback.support.ListenerResources;
import io.github.oauthcallback.support.RawHttp;
import io.github.oauthcallback.support.RawHttp.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class LoopbackListenerTests {

	private static final String STATE = "expected-state-value-0123456789abcdef";

	private static final Duration LONG = Duration.ofMinutes(1);

	private LoopbackListener<String> listener;

	@AfterEach
	void close() {
		if (this.listener != null) {
			this.listener.close();
		}
	}

	private LoopbackListener<String> start(CallbackEndpoint endpoint) {
		this.listener = LoopbackListener.start("test", endpoint, CallbackPages.defaults(), STATE, LONG,
				(code) -> "result:" + code.length());
		return this.listener;
	}

	private static CallbackEndpoint ephemeral(String host) {
		return new CallbackEndpoint(host, List.of(0), "/callback");
	}

	@Test
	void bindsFirstAndBuildsTheRedirectUriFromTheBoundPort() throws Exception {
		start(ephemeral("127.0.0.1"));
		URI redirect = this.listener.redirectUri();
		assertThat(redirect.getScheme()).isEqualTo("http");
		assertThat(redirect.getHost()).isEqualTo("127.0.0.1");
		assertThat(redirect.getPath()).isEqualTo("/callback");
		assertThat(redirect.getPort()).isPositive();
		assertThat(ListenerResources.portFree(InetAddress.getByName("127.0.0.1"), redirect.getPort())).isFalse();
	}

	@Test
	void genuineCallbackCompletesTheFlowWithTheProcessorResult() throws Exception {
		start(ephemeral("127.0.0.1"));
		int port = this.listener.redirectUri().getPort();
		Response response = RawHttp.get(port, "/callback?code=abc123&state=" + STATE);
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).contains("Signed in");
		assertThat(this.listener.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("result:6");
		assertPortReleased(port);
	}

	@Test
	void everyAnswerCarriesTheSecurityHeaders() throws Exception {
		List<Response> pages = new ArrayList<>();
		start(ephemeral("127.0.0.1"));
		int port = this.listener.redirectUri().getPort();
		pages.add(RawHttp.get(port, "/other"));
		pages.add(RawHttp.get(port, "/callback?state=wrong"));
		pages.add(RawHttp.send(InetAddress.getLoopbackAddress(), port, "POST", "/callback", "127.0.0.1:" + port));
		pages.add(RawHttp.send(InetAddress.getLoopbackAddress(), port, "GET", "/callback", "evil.example:" + port));
		Response success = RawHttp.get(port, "/callback?code=c&state=" + STATE);
		assertThat(success.body()).contains("Signed in");
		pages.add(success);
		this.listener.close();

		start(ephemeral("127.0.0.1"));
		Response providerError = RawHttp.get(this.listener.redirectUri().getPort(),
				"/callback?error=access_denied&state=" + STATE);
		assertThat(providerError.body()).contains("Sign-in failed");
		pages.add(providerError);
		this.listener.close();

		this.listener = LoopbackListener.start("test", ephemeral("127.0.0.1"), CallbackPages.defaults(), STATE, LONG,
				(code) -> {
					throw new IllegalStateException("exchange failed");
				});
		Response exchangeError = RawHttp.get(this.listener.redirectUri().getPort(), "/callback?code=c&state=" + STATE);
		assertThat(exchangeError.body()).contains("Sign-in failed");
		pages.add(exchangeError);
		this.listener.close();

		for (Response page : pages) {
			assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
			assertSecurityHeaders(page);
		}

		CallbackPages redirecting = CallbackPages.load(new DefaultResourceLoader(), CallbackPages.DEFAULT_SUCCESS,
				CallbackPages.DEFAULT_ERROR, CallbackPages.DEFAULT_BAD_REQUEST, "https://app.example/welcome");
		this.listener = LoopbackListener.start("test", ephemeral("127.0.0.1"), redirecting, STATE, LONG,
				(code) -> code);
		Response redirect = RawHttp.get(this.listener.redirectUri().getPort(), "/callback?code=c&state=" + STATE);
		assertThat(redirect.status()).isEqualTo(302);
		assertThat(redirect.header("Location")).isEqualTo("https://app.example/welcome");
		assertSecurityHeaders(redirect);
	}

	private static void assertSecurityHeaders(Response response) {
		assertThat(response.header("Cache-Control")).as("Cache-Control").isEqualTo("no-store");
		assertThat(response.header("Pragma")).as("Pragma").isEqualTo("no-cache");
		assertThat(response.header("Referrer-Policy")).as("Referrer-Policy").isEqualTo("no-referrer");
		assertThat(response.header("X-Content-Type-Options")).as("X-Content-Type-Options").isEqualTo("nosniff");
		assertThat(response.header("X-Frame-Options")).as("X-Frame-Options").isEqualTo("DENY");
		assertThat(response.header("Content-Security-Policy")).as("Content-Security-Policy")
			.isEqualTo(LoopbackListener.CONTENT_SECURITY_POLICY)
			.contains("default-src 'none'")
			.doesNotContain("script-src");
		assertThat(response.header("Connection")).as("Connection").isEqualTo("close");
	}

	@Test
	void otherPathsGet404AndDoNotEndTheFlow() throws Exception {
		start(ephemeral("127.0.0.1"));
		int port = this.listener.redirectUri().getPort();
		assertThat(RawHttp.get(port, "/favicon.ico").status()).isEqualTo(404);
		assertThat(RawHttp.get(port, "/callback/extra?code=c&state=" + STATE).status()).isEqualTo(404);
		assertThat(RawHttp.get(port, "/Callback?code=c&state=" + STATE).status()).isEqualTo(404);
		assertThat(this.listener.outcome()).isNotDone();
		assertThat(RawHttp.get(port, "/callback?code=c&state=" + STATE).status()).isEqualTo(200);
	}

	@Test
	void otherMethodsGet405AndDoNotEndTheFlow() throws Exception {
		start(ephemeral("127.0.0.1"));
		int port = this.listener.redirectUri().getPort();
		for (String method : List.of("POST", "PUT", "DELETE", "HEAD", "OPTIONS")) {
			Response response = RawHttp.send(InetAddress.getLoopbackAddress(), port, method,
					"/callback?code=c&state=" + STATE, "127.0.0.1:" + port);
			assertThat(response.status()).as(method).isEqualTo(405);
			assertThat(response.header("Allow")).isEqualTo("GET");
		}
		assertThat(this.listener.outcome()).isNotDone();
		assertThat(RawHttp.get(port, "/callback?code=c&state=" + STATE).status()).isEqualTo(200);
	}

	@Test
	void foreignHostHeaderGets400AndDoesNotEndTheFlow() throws Exception {
		start(ephemeral("127.0.0.1"));
		int port = this.listener.redirectUri().getPort();
		InetAddress loopback = InetAddress.getLoopbackAddress();
		for (String host : new String[] { "evil.example:" + port, "127.0.0.1:" + (port + 1), "localhost:" + port,
				"127.0.0.1", "" }) {
			Response response = RawHttp.send(loopback, port, "GET", "/callback?code=c&state=" + STATE, host);
			assertThat(response.status()).as(host).isEqualTo(400);
		}
		assertThat(RawHttp.send(loopback, port, "GET", "/callback?code=c&state=" + STATE, null).status())
			.isEqualTo(400);
		assertThat(this.listener.outcome()).isNotDone();
		assertThat(RawHttp.get(port, "/callback?code=c&state=" + STATE).status()).isEqualTo(200);
		assertThat(this.listener.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("result:1");
	}

	@Test
	void missingOrWrongStateGets400AndTheFlowKeepsWaiting() throws Exception {
		start(ephemeral("127.0.0.1"));
		int port = this.listener.redirectUri().getPort();
		for (String query : List.of("code=c", "code=c&state=", "code=c&state=wrong",
				"code=c&state=" + STATE.substring(1), "code=c&state=" + STATE + "x",
				"code=c&state=" + STATE + "&state=" + STATE, "code=c&code=d&state=" + STATE,
				"error=access_denied&state=wrong")) {
			Response response = RawHttp.get(port, "/callback?" + query);
			assertThat(response.status()).as(query).isEqualTo(400);
			assertThat(response.body()).contains("Unexpected request");
		}
		// Invalid percent-encoding is refused by the JDK server before the handler runs.
		assertThat(RawHttp.get(port, "/callback?code=%zz&state=" + STATE).status()).isEqualTo(400);
		String tooMany = "&x=1".repeat(QueryParameters.MAX_PARAMETERS);
		assertThat(RawHttp.get(port, "/callback?code=c&state=" + STATE + tooMany).status()).isEqualTo(400);
		assertThat(this.listener.outcome()).isNotDone();
		assertThat(RawHttp.get(port, "/callback?code=genuine&state=" + STATE).status()).isEqualTo(200);
		assertThat(this.listener.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("result:7");
	}

	@Test
	void errorCallbackEndsTheFlowWithTheProviderError() throws Exception {
		start(ephemeral("127.0.0.1"));
		int port = this.listener.redirectUri().getPort();
		Response response = RawHttp.get(port, "/callback?error=access_denied&error_description=User%20said%20no"
				+ "&error_uri=https%3A%2F%2Fidp.example%2Ferr&state=" + STATE);
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).contains("Sign-in failed");
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.listener.outcome().get(5, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(AuthorizationErrorException.class, (ex) -> {
				assertThat(ex.getError()).isEqualTo("access_denied");
				assertThat(ex.getErrorDescription()).isEqualTo("User said no");
				assertThat(ex.getErrorUri()).isEqualTo("https://idp.example/err");
				assertThat(ex.getMessage()).contains("'test'", "access_denied", "User said no");
			});
		assertPortReleased(port);
	}

	@Test
	void processorFailureShowsTheErrorPageAndFailsTheFlow() throws Exception {
		this.listener = LoopbackListener.start("test", ephemeral("127.0.0.1"), CallbackPages.defaults(), STATE, LONG,
				(code) -> {
					throw new IllegalStateException("exchange failed");
				});
		int port = this.listener.redirectUri().getPort();
		Response response = RawHttp.get(port, "/callback?code=c&state=" + STATE);
		assertThat(response.body()).contains("Sign-in failed");
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.listener.outcome().get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(IllegalStateException.class);
	}

	@Test
	void processorErrorStillEndsTheFlowAndReleasesThePort() throws Exception {
		AssertionError failure = new AssertionError("a user's bean broke");
		this.listener = LoopbackListener.start("test", ephemeral("127.0.0.1"), CallbackPages.defaults(), STATE, LONG,
				(code) -> {
					throw failure;
				});
		int port = this.listener.redirectUri().getPort();
		Response response = RawHttp.get(port, "/callback?code=c&state=" + STATE);
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).contains("Sign-in failed");
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.listener.outcome().get(5, TimeUnit.SECONDS))
			.withCause(failure);
		assertPortReleased(port);
	}

	@Test
	void claimedCallbackNoLongerTimesOut() throws Exception {
		CountDownLatch exchanging = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.listener = LoopbackListener.start("test", ephemeral("127.0.0.1"), CallbackPages.defaults(), STATE, LONG,
				(code) -> {
					exchanging.countDown();
					assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
					return "exchanged";
				});
		int port = this.listener.redirectUri().getPort();
		CompletableFuture<Response> callback = CompletableFuture.supplyAsync(() -> get(port,
				"/callback?code=c&state=" + STATE));
		assertThat(exchanging.await(10, TimeUnit.SECONDS)).isTrue();
		this.listener.fireTimeout();
		assertThat(this.listener.outcome()).isNotDone();
		release.countDown();
		assertThat(callback.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
		assertThat(this.listener.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("exchanged");
	}

	@Test
	void timedOutLoginNeverRunsTheProcessor() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		this.listener = LoopbackListener.start("test", ephemeral("127.0.0.1"), CallbackPages.defaults(), STATE, LONG,
				(code) -> {
					calls.incrementAndGet();
					return code;
				});
		int port = this.listener.redirectUri().getPort();
		this.listener.fireTimeout();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> this.listener.outcome().get())
			.withCauseInstanceOf(AuthorizationTimeoutException.class);
		assertPortReleased(port);
		assertThatIOException().isThrownBy(() -> RawHttp.get(port, "/callback?code=c&state=" + STATE));
		assertThat(calls).hasValue(0);
	}

	@Test
	void timeoutMustBePositive() throws Exception {
		for (Duration timeout : new Duration[] { Duration.ZERO, Duration.ofSeconds(-1), null }) {
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> LoopbackListener.start("test", ephemeral("127.0.0.1"), CallbackPages.defaults(),
						STATE, timeout, (code) -> code))
				.withMessageContaining("'test'")
				.withMessageContaining("must be positive")
				.withMessageContaining("Set the login timeout");
		}
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	@Test
	void timeoutTooLongForMillisecondsMeansWaitingIndefinitely() throws Exception {
		this.listener = LoopbackListener.start("test", ephemeral("127.0.0.1"), CallbackPages.defaults(), STATE,
				Duration.ofSeconds(Long.MAX_VALUE), (code) -> code);
		assertThat(RawHttp.get(this.listener.redirectUri().getPort(), "/callback?code=c&state=" + STATE).status())
			.isEqualTo(200);
		assertThat(this.listener.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("c");
	}

	@Test
	void failureAfterBindingReleasesWhatWasBound() throws Exception {
		List<InetSocketAddress> bound = new ArrayList<>();
		IllegalStateException failure = new IllegalStateException("cannot start");
		assertThatIllegalStateException()
			.isThrownBy(() -> LoopbackListener.start("test", ephemeral("127.0.0.1"), CallbackPages.defaults(), STATE,
					LONG, (code) -> code, (server) -> {
						bound.add(server.getAddress());
						throw failure;
					}))
			.isSameAs(failure);
		assertThat(bound).hasSize(1);
		assertPortReleased(bound.get(0).getPort());
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	@Test
	void failureAfterStartingOneOfTwoServersStopsBoth() throws Exception {
		assumeIpv6();
		List<InetSocketAddress> started = new ArrayList<>();
		assertThatIllegalStateException()
			.isThrownBy(() -> LoopbackListener.start("test", ephemeral("localhost"), CallbackPages.defaults(), STATE,
					LONG, (code) -> code, (server) -> {
						if (!started.isEmpty()) {
							throw new IllegalStateException("cannot start the second");
						}
						server.start();
						started.add(server.getAddress());
					}));
		assertThat(started).hasSize(1);
		int port = started.get(0).getPort();
		assertPortReleased(InetAddress.getByName("127.0.0.1"), port);
		assertPortReleased(InetAddress.getByName("::1"), port);
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	@Test
	void pagesNeverReflectRequestInput() throws Exception {
		start(ephemeral("127.0.0.1"));
		int port = this.listener.redirectUri().getPort();
		String marker = "MARKERzq81";
		List<String> targets = List.of("/" + marker, "/callback?state=" + marker,
				"/callback?code=" + marker + "&state=wrong", "/callback?" + marker + "=1");
		for (String target : targets) {
			assertThat(RawHttp.get(port, target).body()).doesNotContain(marker);
		}
		Response error = RawHttp.get(port, "/callback?error=" + marker + "&error_description=" + marker + "&state="
				+ STATE);
		assertThat(error.body()).doesNotContain(marker);
	}

	@Test
	void callbackAfterTheFlowEndedIsRejected() throws Exception {
		CompletableFuture<Void> release = new CompletableFuture<>();
		AtomicInteger calls = new AtomicInteger();
		this.listener = LoopbackListener.start("test", ephemeral("127.0.0.1"), CallbackPages.defaults(), STATE, LONG,
				(code) -> {
					calls.incrementAndGet();
					release.get(5, TimeUnit.SECONDS);
					return code;
				});
		int port = this.listener.redirectUri().getPort();
		CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> {
			try {
				return RawHttp.get(port, "/callback?code=first&state=" + STATE);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		while (calls.get() == 0) {
			Thread.sleep(5);
		}
		Response replay = RawHttp.get(port, "/callback?code=second&state=" + STATE);
		assertThat(replay.status()).isEqualTo(400);
		release.complete(null);
		assertThat(first.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
		assertThat(this.listener.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("first");
		assertThat(calls).hasValue(1);
	}

	@Test
	void timeoutEndsTheFlowAndReleasesThePort() throws Exception {
		this.listener = LoopbackListener.start("test", ephemeral("127.0.0.1"), CallbackPages.defaults(), STATE,
				Duration.ofMillis(200), (code) -> code);
		int port = this.listener.redirectUri().getPort();
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.listener.outcome().get(5, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(AuthorizationTimeoutException.class,
					(ex) -> assertThat(ex.getMessage()).contains("raise the login timeout"));
		assertPortReleased(port);
	}

	@Test
	void cancellingTheOutcomeStopsTheListener() throws Exception {
		start(ephemeral("127.0.0.1"));
		int port = this.listener.redirectUri().getPort();
		this.listener.outcome().cancel(true);
		assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> this.listener.outcome().get());
		assertPortReleased(port);
	}

	@Test
	void closingEndsAWaitingFlowAsCancelled() throws Exception {
		start(ephemeral("127.0.0.1"));
		int port = this.listener.redirectUri().getPort();
		this.listener.close();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> this.listener.outcome().get())
			.withCauseInstanceOf(AuthorizationCancelledException.class);
		assertPortReleased(port);
	}

	@Test
	void fixedPortIsHonoured() throws Exception {
		int port = freePort();
		start(new CallbackEndpoint("127.0.0.1", List.of(port), "/cb"));
		assertThat(this.listener.redirectUri()).isEqualTo(URI.create("http://127.0.0.1:" + port + "/cb"));
		assertThat(RawHttp.get(port, "/cb?code=c&state=" + STATE).status()).isEqualTo(200);
	}

	@Test
	void takenFixedPortGivesAnErrorNamingThePort() throws Exception {
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
			int port = taken.getLocalPort();
			assertThatExceptionOfType(ListenerBindException.class)
				.isThrownBy(() -> start(new CallbackEndpoint("127.0.0.1", List.of(port), "/callback")))
				.satisfies((ex) -> {
					assertThat(ex.getMessage()).contains(String.valueOf(port), "already in use",
							"the listener's ports setting");
					assertThat(ex.getPorts()).containsExactly(port);
				});
		}
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	@Test
	void candidatePortsAreTriedInOrder() throws Exception {
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
			int second = freePort();
			start(new CallbackEndpoint("127.0.0.1", List.of(taken.getLocalPort(), second), "/callback"));
			assertThat(this.listener.redirectUri().getPort()).isEqualTo(second);
		}
	}

	@Test
	void ipv6LoopbackBindsOnlyIpv6() throws Exception {
		assumeIpv6();
		start(ephemeral("[::1]"));
		int port = this.listener.redirectUri().getPort();
		assertThat(this.listener.redirectUri().toString()).startsWith("http://[::1]:" + port + "/callback");
		Response response = RawHttp.send(InetAddress.getByName("::1"), port, "GET",
				"/callback?code=c&state=" + STATE, "[::1]:" + port);
		assertThat(response.status()).isEqualTo(200);
		assertThat(ListenerResources.portFree(InetAddress.getByName("127.0.0.1"), port)).isTrue();
	}

	@Test
	void localhostBindsBothLoopbackAddressesOnOnePort() throws Exception {
		assumeIpv6();
		start(ephemeral("localhost"));
		int port = this.listener.redirectUri().getPort();
		assertThat(this.listener.redirectUri().toString()).isEqualTo("http://localhost:" + port + "/callback");
		assertThat(ListenerResources.portFree(InetAddress.getByName("127.0.0.1"), port)).isFalse();
		assertThat(ListenerResources.portFree(InetAddress.getByName("::1"), port)).isFalse();
		assertThat(RawHttp.send(InetAddress.getByName("::1"), port, "GET", "/callback?state=x", "localhost:" + port)
			.status()).isEqualTo(400);
		Response response = RawHttp.send(InetAddress.getByName("127.0.0.1"), port, "GET",
				"/callback?code=c&state=" + STATE, "localhost:" + port);
		assertThat(response.status()).isEqualTo(200);
		assertPortReleased(port);
		assertPortReleased(InetAddress.getByName("::1"), port);
	}

	@Test
	void ipv4LoopbackBindsExactly127001() throws Exception {
		start(ephemeral("127.0.0.1"));
		int port = this.listener.redirectUri().getPort();
		assertThat(this.listener.boundAddresses())
			.containsExactly(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
		assertNotReachableFromOtherInterfaces(port);
	}

	@Test
	void ipv6LoopbackBindsExactlyColonColon1OrIsReported() throws Exception {
		if (!ListenerResources.portFree(loopbackV6(), 0)) {
			assertThatExceptionOfType(ListenerBindException.class).isThrownBy(() -> start(ephemeral("[::1]")))
				.withMessageContaining("[::1]");
			return;
		}
		start(ephemeral("[::1]"));
		int port = this.listener.redirectUri().getPort();
		assertThat(this.listener.boundAddresses()).containsExactly(new InetSocketAddress(loopbackV6(), port));
		assertNotReachableFromOtherInterfaces(port);
	}

	@Test
	void localhostBindsBothLoopbackAddressesOnOnePortAndNothingElse() throws Exception {
		start(ephemeral("localhost"));
		int port = this.listener.redirectUri().getPort();
		InetSocketAddress ipv4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
		if (ListenerResources.portFree(loopbackV6(), 0)) {
			assertThat(this.listener.boundAddresses()).containsExactly(ipv4, new InetSocketAddress(loopbackV6(), port));
		}
		else {
			assertThat(this.listener.boundAddresses()).containsExactly(ipv4);
		}
		assertThat(this.listener.boundAddresses()).allSatisfy((address) -> {
			assertThat(address.getAddress().isLoopbackAddress()).isTrue();
			assertThat(address.getAddress().isAnyLocalAddress()).isFalse();
		});
		assertNotReachableFromOtherInterfaces(port);
	}

	/** Connecting to the port through any non-loopback address of this machine must be refused. */
	private static void assertNotReachableFromOtherInterfaces(int port) throws IOException {
		for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			for (InetAddress address : Collections.list(network.getInetAddresses())) {
				if (address.isLoopbackAddress() || address.isLinkLocalAddress()) {
					continue;
				}
				try (Socket socket = new Socket()) {
					assertThatIOException().as(address.getHostAddress())
						.isThrownBy(() -> socket.connect(new InetSocketAddress(address, port), 2000));
				}
			}
		}
	}

	@Test
	void customPagesAndSuccessRedirect(@TempDir Path dir) throws Exception {
		Path success = Files.writeString(dir.resolve("ok.html"), "<p>custom ok</p>", StandardCharsets.UTF_8);
		CallbackPages pages = CallbackPages.load(new DefaultResourceLoader(), success.toUri().toString(),
				CallbackPages.DEFAULT_ERROR, CallbackPages.DEFAULT_BAD_REQUEST, null);
		this.listener = LoopbackListener.start("test", ephemeral("127.0.0.1"), pages, STATE, LONG, (code) -> code);
		assertThat(RawHttp.get(this.listener.redirectUri().getPort(), "/callback?code=c&state=" + STATE).body())
			.isEqualTo("<p>custom ok</p>");
		this.listener.close();

		CallbackPages redirecting = CallbackPages.load(new DefaultResourceLoader(), CallbackPages.DEFAULT_SUCCESS,
				CallbackPages.DEFAULT_ERROR, CallbackPages.DEFAULT_BAD_REQUEST, "https://app.example/welcome");
		this.listener = LoopbackListener.start("test", ephemeral("127.0.0.1"), redirecting, STATE, LONG,
				(code) -> code);
		Response response = RawHttp.get(this.listener.redirectUri().getPort(), "/callback?code=c&state=" + STATE);
		assertThat(response.status()).isEqualTo(302);
		assertThat(response.header("Location")).isEqualTo("https://app.example/welcome");
		assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
	}

	@Test
	void unreadablePageIsRefusedNamingThePage() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> CallbackPages.load(new DefaultResourceLoader(), "classpath:missing.html",
					CallbackPages.DEFAULT_ERROR, CallbackPages.DEFAULT_BAD_REQUEST, null))
			.withMessageContaining("Cannot read the success page 'classpath:missing.html'")
			.withMessageContaining("or leave it out for the built-in page");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> CallbackPages.load(new DefaultResourceLoader(), CallbackPages.DEFAULT_SUCCESS,
					CallbackPages.DEFAULT_ERROR, CallbackPages.DEFAULT_BAD_REQUEST, "/relative"))
			.withMessageContaining("The success redirect URI must be");
	}

	@Test
	void successRedirectMustBeASafeBrowserUri() {
		for (String unsafe : List.of("http://app.example/welcome", "https://user@app.example/welcome",
				"javascript:alert(1)", "file://host/share/page.html")) {
			assertThatExceptionOfType(IllegalArgumentException.class).as(unsafe)
				.isThrownBy(() -> CallbackPages.load(new DefaultResourceLoader(), CallbackPages.DEFAULT_SUCCESS,
						CallbackPages.DEFAULT_ERROR, CallbackPages.DEFAULT_BAD_REQUEST, unsafe))
				.withMessageContaining("The success redirect URI must be an https URI");
		}
		assertThat(CallbackPages.load(new DefaultResourceLoader(), CallbackPages.DEFAULT_SUCCESS,
				CallbackPages.DEFAULT_ERROR, CallbackPages.DEFAULT_BAD_REQUEST, "http://127.0.0.1:8080/done")
			.successRedirect()).hasToString("http://127.0.0.1:8080/done");
	}

	@Test
	void twoHundredFlowsInARowLeaveNoPortBoundAndNoThreadAlive() throws Exception {
		List<Integer> ports = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			LoopbackListener<String> flow = LoopbackListener.start("test", ephemeral("127.0.0.1"),
					CallbackPages.defaults(), STATE, (i % 4 == 2) ? Duration.ofMillis(20) : LONG, (code) -> code);
			int port = flow.redirectUri().getPort();
			ports.add(port);
			switch (i % 4) {
				case 0 -> {
					assertThat(RawHttp.get(port, "/callback?code=c" + i + "&state=" + STATE).status()).isEqualTo(200);
					assertThat(flow.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("c" + i);
				}
				case 1 -> {
					RawHttp.get(port, "/callback?error=access_denied&state=" + STATE);
					assertThatExceptionOfType(ExecutionException.class)
						.isThrownBy(() -> flow.outcome().get(5, TimeUnit.SECONDS))
						.withCauseInstanceOf(AuthorizationErrorException.class);
				}
				case 2 -> assertThatExceptionOfType(ExecutionException.class)
					.isThrownBy(() -> flow.outcome().get(5, TimeUnit.SECONDS))
					.withCauseInstanceOf(AuthorizationTimeoutException.class);
				default -> {
					flow.outcome().cancel(true);
					assertThat(flow.outcome()).isCancelled();
				}
			}
		}
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
		InetAddress loopback = InetAddress.getByName("127.0.0.1");
		assertThat(ports).allSatisfy((port) -> assertThat(ListenerResources.portFree(loopback, port)).isTrue());
	}

	private static Response get(int port, String target) {
		try {
			return RawHttp.get(port, target);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void assertPortReleased(int port) throws Exception {
		assertPortReleased(InetAddress.getByName("127.0.0.1"), port);
	}

	private static void assertPortReleased(InetAddress loopback, int port) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (!ListenerResources.portFree(loopback, port) && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(ListenerResources.portFree(loopback, port)).isTrue();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
			return socket.getLocalPort();
		}
	}

	private static void assumeIpv6() {
		boolean ipv6 = ListenerResources.portFree(loopbackV6(), 0);
		if (!ipv6 && "true".equals(System.getenv("CI"))) {
			throw new AssertionError("CI machines have an IPv6 loopback; ::1 could not be bound");
		}
		Assumptions.assumeTrue(ipv6, "no IPv6 loopback on this machine: skipping the ::1 binding test");
	}

	private static InetAddress loopbackV6() {
		try {
			return InetAddress.getByName("::1");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

package io.github.oauthcallback.authorize;

import io.github.oauthcallback.internal.authorize.CachingIdTokenDecoderFactory;
import io.github.oauthcallback.internal.authorize.DefaultLoopbackAuthorizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.AuthorizationTimeoutException;
import io.github.oauthcallback.OAuthCallbackException;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.internal.progress.WaitingLogins;
import io.github.oauthcallback.support.CallbackBrowser;
import io.github.oauthcallback.support.ConsoleTrigger;
import io.github.oauthcallback.support.ListenerResources;
import io.github.oauthcallback.support.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.util.UriComponentsBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * The future {@link DefaultLoopbackAuthorizer#authorizeAsync} returns, cancellation against the code exchange and
 * the save, and the printed URL. The token endpoint is a stub, so every step can be held at a chosen point.
 */
class LoginFutureTests {

	private static final ClientRegistration REGISTRATION = ClientRegistration.withRegistrationId("x")
		.clientId("cli")
		.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("http://127.0.0.1/callback")
		.scope("read")
		.authorizationUri("https://idp.example/authorize")
		.tokenUri("https://idp.example/token")
		.build();

	private final InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
			REGISTRATION);

	private final CountDownLatch saving = new CountDownLatch(1);

	private final CountDownLatch releaseSave = new CountDownLatch(1);

	private volatile boolean holdSave;

	private final AtomicInteger saves = new AtomicInteger();

	private final OAuth2AuthorizedClientService store = new HoldingStore(
			new InMemoryOAuth2AuthorizedClientService(this.registrations));

	private final CountDownLatch exchanging = new CountDownLatch(1);

	private final CountDownLatch releaseExchange = new CountDownLatch(1);

	private volatile boolean holdExchange;

	private volatile RuntimeException exchangeFailure;

	private final AtomicInteger exchanges = new AtomicInteger();

	private final OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> tokens = (grant) -> {
		this.exchanges.incrementAndGet();
		if (this.exchangeFailure != null) {
			throw this.exchangeFailure;
		}
		if (this.holdExchange) {
			this.exchanging.countDown();
			// Like a token endpoint that answers although the waiting thread was interrupted.
			awaitUninterruptibly(this.releaseExchange);
		}
		return OAuth2AccessTokenResponse.withToken("AT-1")
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(3600)
			.build();
	};

	private final ByteArrayOutputStream console = new ByteArrayOutputStream();

	@AfterEach
	void nothingLeftRunning() throws Exception {
		this.releaseExchange.countDown();
		this.releaseSave.countDown();
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	private DefaultLoopbackAuthorizer authorizer(BrowserLauncher browser) {
		return authorizer(browser, new PrintStream(this.console, true, StandardCharsets.UTF_8));
	}

	private DefaultLoopbackAuthorizer authorizer(BrowserLauncher browser, PrintStream console) {
		return new DefaultLoopbackAuthorizer(this.registrations, this.store, this.tokens,
				new CachingIdTokenDecoderFactory(), browser, console, ListenerSettings.defaults(), "ada",
				Duration.ofMinutes(1));
	}

	private static int listenerPort(URI authorizationUri) {
		String redirect = UriComponentsBuilder.fromUri(authorizationUri)
			.build()
			.getQueryParams()
			.getFirst("redirect_uri");
		return URI.create(URLDecoder.decode(redirect, StandardCharsets.UTF_8)).getPort();
	}

	@Test
	void cancellingTheReturnedFutureReleasesTheListener() throws Exception {
		AtomicReference<URI> opened = new AtomicReference<>();
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer(opened::set).authorizeAsync("x", null);
		int port = listenerPort(opened.get());
		InetAddress loopback = InetAddress.getByName("127.0.0.1");
		assertThat(ListenerResources.portFree(loopback, port)).isFalse();
		assertThat(login.cancel(true)).isTrue();
		assertThat(login).isCancelled();
		assertThat(ListenerResources.portFree(loopback, port)).isTrue();
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	@Test
	void completingTheReturnedFutureByHandOnlyCancelsTheLogin() throws Exception {
		AtomicReference<URI> opened = new AtomicReference<>();
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer(opened::set).authorizeAsync("x", null);
		URI authorizationUri = opened.get();
		int port = listenerPort(authorizationUri);
		OAuth2AuthorizedClient forged = new OAuth2AuthorizedClient(REGISTRATION, "mallory",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "forged", null, null));
		assertThat(login.complete(forged)).isTrue();
		// The caller's copy holds what the caller put in it; the listener is released, not completed with it.
		assertThat(login.get()).isSameAs(forged);
		assertThat(ListenerResources.portFree(InetAddress.getByName("127.0.0.1"), port)).isTrue();
		String state = UriComponentsBuilder.fromUri(authorizationUri).build().getQueryParams().getFirst("state");
		assertThatIOException().isThrownBy(() -> RawHttp.get(port, "/callback?code=c&state=" + state));
		assertThat(this.exchanges).hasValue(0);
		assertThat(this.saves).hasValue(0);
		assertThat((OAuth2AuthorizedClient) this.store.loadAuthorizedClient("x", "mallory")).isNull();
		assertThat((OAuth2AuthorizedClient) this.store.loadAuthorizedClient("x", "ada")).isNull();
	}

	@Test
	void unexpectedFailureIsDescribedInTheMessageWithoutTokenLikeValues() {
		// An unexpected failure whose message quotes a token, as a decoder's or a library's may.
		this.exchangeFailure = new IllegalArgumentException(
				"Illegal base64 character 2e in eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEiLCJleHAiOjE3NjcyMjU2MDB9"
						+ ".c2lnbmF0dXJlMTIzNDU2Nzg5");
		assertThatExceptionOfType(OAuthCallbackException.class)
			.isThrownBy(() -> authorizer(new CallbackBrowser("code-1")).authorize("x"))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).startsWith("The login for registration 'x' failed unexpectedly: ")
					.contains("IllegalArgumentException: Illegal base64 character 2e in [redacted].[redacted].[redacted]")
					.doesNotContain("eyJhbGciOiJSUzI1NiJ9", "eyJzdWIiOiJhZGEiLCJleHAiOjE3NjcyMjU2MDB9", "c2lnbmF0dXJlMTIzNDU2Nzg5",
							"See the cause");
				assertThat(ex.getCause()).as("kept for the stack trace").isSameAs(this.exchangeFailure);
			});
		assertThat(this.saves).hasValue(0);
	}

	@Test
	void loginCancelledDuringTheExchangeSavesNothing() throws Exception {
		this.holdExchange = true;
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer(new CallbackBrowser("code-1")).authorizeAsync("x",
				null);
		assertThat(this.exchanging.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(login.cancel(true)).isTrue();
		this.releaseExchange.countDown();
		// The exchange ends on the listener's thread; once no listener thread is left, it has finished.
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
		assertThat(this.exchanges).hasValue(1);
		assertThat(this.saves).hasValue(0);
		assertThat((OAuth2AuthorizedClient) this.store.loadAuthorizedClient("x", "ada")).isNull();
		assertThat(login).isCancelled();
	}

	@Test
	void cancellingWhileTheLoginIsBeingSavedIsRefused() throws Exception {
		this.holdSave = true;
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer(new CallbackBrowser("code-1")).authorizeAsync("x",
				null);
		assertThat(this.saving.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(login.cancel(true)).isFalse();
		assertThat(login.complete(null)).isFalse();
		assertThat(login.completeExceptionally(new IllegalStateException())).isFalse();
		this.releaseSave.countDown();
		OAuth2AuthorizedClient client = login.get(10, TimeUnit.SECONDS);
		assertThat(client.getAccessToken().getTokenValue()).isEqualTo("AT-1");
		assertThat((OAuth2AuthorizedClient) this.store.loadAuthorizedClient("x", "ada")).isNotNull();
	}

	@Test
	void interruptedWhileTheLoginIsBeingSavedReturnsTheSavedLogin() throws Exception {
		this.holdSave = true;
		DefaultLoopbackAuthorizer authorizer = authorizer(new CallbackBrowser("code-1"));
		AtomicReference<Object> result = new AtomicReference<>();
		AtomicReference<Boolean> interruptKept = new AtomicReference<>();
		Thread waiter = new Thread(() -> {
			try {
				result.set(authorizer.authorize("x"));
			}
			catch (OAuthCallbackException ex) {
				result.set(ex);
			}
			interruptKept.set(Thread.currentThread().isInterrupted());
		});
		waiter.start();
		assertThat(this.saving.await(10, TimeUnit.SECONDS)).isTrue();
		waiter.interrupt();
		this.releaseSave.countDown();
		waiter.join(10_000);
		assertThat(result.get()).isInstanceOfSatisfying(OAuth2AuthorizedClient.class,
				(client) -> assertThat(client.getAccessToken().getTokenValue()).isEqualTo("AT-1"));
		assertThat(interruptKept.get()).isTrue();
		assertThat((OAuth2AuthorizedClient) this.store.loadAuthorizedClient("x", "ada")).isNotNull();
	}

	@Test
	void loginThatEndsOnItsOwnIsUnaffectedByALaterCancel() throws Exception {
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer(new CallbackBrowser("code-1")).authorizeAsync("x",
				null);
		OAuth2AuthorizedClient client = login.get(10, TimeUnit.SECONDS);
		assertThat(login.cancel(true)).isFalse();
		assertThat(login.get()).isSameAs(client);
		assertThat(this.saves).hasValue(1);
	}

	@Test
	void cancelledLoginFailsTheBlockingCallWithATypedException() throws Exception {
		this.holdExchange = true;
		DefaultLoopbackAuthorizer authorizer = authorizer(new CallbackBrowser("code-1"));
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer.authorizeAsync("x", null);
		assertThat(this.exchanging.await(10, TimeUnit.SECONDS)).isTrue();
		login.cancel(false);
		assertThatExceptionOfType(CancellationException.class).isThrownBy(login::get);
		this.releaseExchange.countDown();
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
		assertThat(this.saves).hasValue(0);
	}

	@Test
	void theUrlIsPrintedBeforeAnyLauncherRuns() throws Exception {
		List<String> printedWhenOpened = new ArrayList<>();
		BrowserLauncher custom = (uri) -> printedWhenOpened.add(this.console.toString(StandardCharsets.UTF_8));
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer(custom).authorizeAsync("x", null);
		login.cancel(true);
		String printed = this.console.toString(StandardCharsets.UTF_8);
		assertThat(printed).startsWith("Open this URL to continue: https://idp.example/authorize?")
			.endsWith(System.lineSeparator());
		assertThat(printed.lines()).hasSize(1);
		assertThat(printedWhenOpened).containsExactly(printed);
	}

	/** Ctrl-C pressed the moment the URL appears (the JVM's hook cancels what is registered) ends the login. */
	@Test
	void ctrlCAsSoonAsTheUrlIsShownCancelsTheLogin() throws Exception {
		AtomicReference<DefaultLoopbackAuthorizer> authorizer = new AtomicReference<>();
		ConsoleTrigger console = ConsoleTrigger.when("Open this URL to continue: ",
				() -> WaitingLogins.cancel(authorizer.get(), WaitingLogins.JVM_STOPPING));
		List<URI> opened = new ArrayList<>();
		authorizer.set(authorizer(opened::add, console));
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer.get().authorizeAsync("x", null);
		try {
			assertThat(console.fired()).isTrue();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> login.get(5, TimeUnit.SECONDS))
				.withCauseInstanceOf(AuthorizationCancelledException.class);
			int port = listenerPort(console.printedUrl());
			assertThat(console.printed()).contains("The 'x' login was cancelled: " + WaitingLogins.JVM_STOPPING
					+ ". The listener on port " + port + " is closed.");
			assertThat(ListenerResources.portFree(InetAddress.getByName("127.0.0.1"), port)).isTrue();
			assertThat(this.exchanges).hasValue(0);
			assertThat(opened).as("no browser opened after the cancellation").isEmpty();
		}
		finally {
			login.cancel(true);
		}
	}

	@Test
	void theUrlIsPrintedEvenWhenTheLauncherFails() throws Exception {
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer((uri) -> {
			throw new IllegalStateException("no display");
		}).authorizeAsync("x", null);
		login.cancel(true);
		assertThat(this.console.toString(StandardCharsets.UTF_8)).startsWith("Open this URL to continue: ");
	}

	@Test
	void timeoutIsStillATypedFailureOfTheReturnedFuture() {
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer((uri) -> {
		}).authorizeAsync("x", AuthorizationOptions.defaults().withTimeout(Duration.ofMillis(50)));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> login.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(AuthorizationTimeoutException.class);
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		boolean interrupted = false;
		try {
			while (true) {
				try {
					if (latch.await(30, TimeUnit.SECONDS)) {
						return;
					}
					throw new IllegalStateException("the test never released the latch");
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** Counts saves, and holds a save until released when the test asks for it. */
	private final class HoldingStore implements OAuth2AuthorizedClientService {

		private final OAuth2AuthorizedClientService delegate;

		HoldingStore(OAuth2AuthorizedClientService delegate) {
			this.delegate = delegate;
		}

		@Override
		public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String registrationId, String principalName) {
			return this.delegate.loadAuthorizedClient(registrationId, principalName);
		}

		@Override
		public void saveAuthorizedClient(OAuth2AuthorizedClient client, Authentication principal) {
			if (LoginFutureTests.this.holdSave) {
				LoginFutureTests.this.saving.countDown();
				awaitUninterruptibly(LoginFutureTests.this.releaseSave);
			}
			LoginFutureTests.this.saves.incrementAndGet();
			this.delegate.saveAuthorizedClient(client, principal);
		}

		@Override
		public void removeAuthorizedClient(String registrationId, String principalName) {
			this.delegate.removeAuthorizedClient(registrationId, principalName);
		}

	}

}

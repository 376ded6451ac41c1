package io.github.oauthcallback.internal.device;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.InvalidRegistrationException;
import io.github.oauthcallback.TokenExchangeException;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.internal.browser.UnsafeBrowserUriException;
import io.github.oauthcallback.internal.progress.ProgressStyle;
import io.github.oauthcallback.internal.progress.WaitingLogins;
import io.github.oauthcallback.internal.progress.WaitingProgress;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointClients;
import io.github.oauthcallback.internal.tokenendpoint.TokenResponseClients;
import io.github.oauthcallback.support.ConsoleTrigger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The device login against a WireMock provider: the device authorization request for each client authentication,
 * what the terminal shows and the browser opens, the safe-URI check, provider quirks, failures, and cancellation. The
 * polling waits through an injected sleeper (see {@link DevicePollingTests} for its rules).
 */
class DefaultDeviceAuthorizerTests {

	private static final String DEVICE_CODE = "dev-Code-5519-never-shown";

	private WireMockServer wireMock;

	private final ByteArrayOutputStream console = new ByteArrayOutputStream();

	private final List<URI> opened = new CopyOnWriteArrayList<>();

	private final List<Duration> waits = new CopyOnWriteArrayList<>();

	private InMemoryOAuth2AuthorizedClientService store;

	@BeforeEach
	void start() {
		this.wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.wireMock.start();
	}

	@AfterEach
	void stop() {
		this.wireMock.stop();
	}

	private ClientRegistration registration(String id, ClientAuthenticationMethod method, String secret) {
		ClientRegistration.Builder builder = ClientRegistration.withRegistrationId(id)
			.clientId("cli-" + id)
			.clientName("Example CLI")
			.clientAuthenticationMethod(method)
			.authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
			.scope("read", "write")
			.tokenUri(this.wireMock.baseUrl() + "/token")
			.providerConfigurationMetadata(
					Map.of(DeviceEndpoints.METADATA_NAME, this.wireMock.baseUrl() + "/device_authorization"));
		return (secret != null) ? builder.clientSecret(secret).build() : builder.build();
	}

	private DefaultDeviceAuthorizer authorizer(DevicePolling.Sleeper sleeper, ClientRegistration... registrations) {
		return authorizer(sleeper, new PrintStream(this.console, true, StandardCharsets.UTF_8), registrations);
	}

	private DefaultDeviceAuthorizer authorizer(DevicePolling.Sleeper sleeper, PrintStream console,
			ClientRegistration... registrations) {
		InMemoryClientRegistrationRepository repository = new InMemoryClientRegistrationRepository(registrations);
		this.store = new InMemoryOAuth2AuthorizedClientService(repository);
		TokenResponseClients clients = new TokenResponseClients(
				() -> TokenEndpointClients.restClient(Duration.ofSeconds(2), Duration.ofSeconds(2)));
		return new DefaultDeviceAuthorizer(repository, this.store, clients.deviceAuthorization(),
				new DevicePolling(clients.deviceCode(), Clock.systemUTC(), sleeper), this.opened::add, console,
				new DeviceEndpoints(Map.of()), "ada", Duration.ofMinutes(5));
	}

	private DefaultDeviceAuthorizer authorizer(ClientRegistration... registrations) {
		return authorizer(this.waits::add, registrations);
	}

	private void deviceAuthorization(String body) {
		this.wireMock.stubFor(post(urlEqualTo("/device_authorization")).willReturn(
				aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body)));
	}

	private static String answer(String verificationUri, String extra) {
		return "{\"device_code\":\"" + DEVICE_CODE + "\",\"user_code\":\"WDJB-MJHT\",\"verification_uri\":\""
				+ verificationUri + "\",\"expires_in\":900,\"interval\":2" + extra + "}";
	}

	private void tokensAfterOnePending() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).inScenario("t")
			.whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
			.willSetStateTo("approved")
			.willReturn(DevicePollingTests.error(400, "authorization_pending")));
		this.wireMock.stubFor(post(urlEqualTo("/token")).inScenario("t")
			.whenScenarioStateIs("approved")
			.willReturn(DevicePollingTests.tokens()));
	}

	private String printed() {
		return this.console.toString(StandardCharsets.UTF_8);
	}

	@Test
	void aPublicClientSendsItsClientIdAndThePromptShowsWhereToGoAndTheCode() {
		deviceAuthorization(answer("https://idp.example/device",
				",\"verification_uri_complete\":\"https://idp.example/device?user_code=WDJB-MJHT\""));
		tokensAfterOnePending();
		OAuth2AuthorizedClient client = authorizer(registration("pub", ClientAuthenticationMethod.NONE, null))
			.authorize("pub", AuthorizationOptions.defaults().withAdditionalScopes("extra"));

		assertThat(client.getAccessToken().getTokenValue()).isEqualTo("acc-Token-1");
		assertThat(this.store.<OAuth2AuthorizedClient>loadAuthorizedClient("pub", "ada")).isNotNull();
		this.wireMock.verify(postRequestedFor(urlEqualTo("/device_authorization"))
			.withHeader("Authorization", absent())
			.withHeader("Accept", containing("application/json"))
			.withRequestBody(equalTo("client_id=cli-pub&scope=read+write+extra")));
		this.wireMock.verify(2, postRequestedFor(urlEqualTo("/token")).withHeader("Authorization", absent())
			.withRequestBody(containing("client_id=cli-pub")));
		assertThat(this.opened).as("the browser opens the complete URI")
			.containsExactly(URI.create("https://idp.example/device?user_code=WDJB-MJHT"));
		assertThat(printed()).contains("'Example CLI' (registration 'pub')", "https://idp.example/device\n",
				"enter the code:  WDJB-MJHT", "https://idp.example/device?user_code=WDJB-MJHT",
				"only if you started this login yourself")
			.doesNotContain(DEVICE_CODE, "acc-Token-1", "ref-Token-1");
		assertThat(this.waits).isEqualTo(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)));
	}

	@Test
	void aBasicClientAuthenticatesWithItsSecretInTheHeader() {
		deviceAuthorization(answer("https://idp.example/device", ""));
		tokensAfterOnePending();
		authorizer(registration("basic", ClientAuthenticationMethod.CLIENT_SECRET_BASIC, "s3cret")).authorize("basic");
		this.wireMock.verify(postRequestedFor(urlEqualTo("/device_authorization"))
			.withHeader("Authorization", equalTo("Basic Y2xpLWJhc2ljOnMzY3JldA=="))
			.withRequestBody(notContaining("client_id"))
			.withRequestBody(notContaining("s3cret")));
		this.wireMock.verify(2, postRequestedFor(urlEqualTo("/token"))
			.withHeader("Authorization", equalTo("Basic Y2xpLWJhc2ljOnMzY3JldA==")));
		assertThat(this.opened).as("without a complete URI, the verification URI")
			.containsExactly(URI.create("https://idp.example/device"));
	}

	@Test
	void aPostClientSendsItsSecretInTheBody() {
		deviceAuthorization(answer("https://idp.example/device", ""));
		tokensAfterOnePending();
		authorizer(registration("post", ClientAuthenticationMethod.CLIENT_SECRET_POST, "s3cret")).authorize("post");
		this.wireMock.verify(postRequestedFor(urlEqualTo("/device_authorization")).withHeader("Authorization", absent())
			.withRequestBody(containing("client_id=cli-post&client_secret=s3cret")));
		this.wireMock.verify(2, postRequestedFor(urlEqualTo("/token"))
			.withRequestBody(containing("client_secret=s3cret")));
	}

	@Test
	void googlesVerificationUrlIsAccepted() {
		this.wireMock.stubFor(post(urlEqualTo("/device_authorization")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"device_code\":\"" + DEVICE_CODE + "\",\"user_code\":\"GQVQ-JKEC\","
					+ "\"verification_url\":\"https://www.google.com/device\",\"expires_in\":1800,\"interval\":5}")));
		tokensAfterOnePending();
		authorizer(registration("g", ClientAuthenticationMethod.CLIENT_SECRET_POST, "s")).authorize("g");
		assertThat(printed()).contains("https://www.google.com/device", "GQVQ-JKEC");
		assertThat(this.waits).isEqualTo(List.of(Duration.ofSeconds(5), Duration.ofSeconds(5)));
	}

	@Test
	void anUnsafeVerificationUriIsNeitherShownNorOpened() {
		deviceAuthorization(answer("http://phish.example/device", ""));
		DefaultDeviceAuthorizer authorizer = authorizer(registration("pub", ClientAuthenticationMethod.NONE, null));
		assertThatExceptionOfType(UnsafeBrowserUriException.class).isThrownBy(() -> authorizer.authorize("pub"))
			.withMessageContaining("verification URI");
		assertThat(this.opened).isEmpty();
		assertThat(printed()).doesNotContain("phish.example");
		this.wireMock.verify(0, postRequestedFor(urlEqualTo("/token")));
	}

	@Test
	void anUnsafeCompleteUriIsRefusedToo() {
		deviceAuthorization(answer("https://idp.example/device",
				",\"verification_uri_complete\":\"javascript:alert(1)\""));
		DefaultDeviceAuthorizer authorizer = authorizer(registration("pub", ClientAuthenticationMethod.NONE, null));
		assertThatExceptionOfType(UnsafeBrowserUriException.class).isThrownBy(() -> authorizer.authorize("pub"));
		assertThat(this.opened).isEmpty();
	}

	@Test
	void providerTextInTheUserCodeCannotRewriteTheTerminal() {
		deviceAuthorization("{\"device_code\":\"" + DEVICE_CODE + "\",\"user_code\":\"AB\\u001b[2J\\u001b[31mCD\","
				+ "\"verification_uri\":\"https://idp.example/device\",\"expires_in\":900}");
		tokensAfterOnePending();
		authorizer(registration("pub", ClientAuthenticationMethod.NONE, null)).authorize("pub");
		assertThat(printed()).contains("enter the code:  ABCD").doesNotContain("\u001b");
	}

	@Test
	void aRefusedDeviceAuthorizationRequestSaysWhatToCheck() {
		this.wireMock.stubFor(post(urlEqualTo("/device_authorization")).willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_client\",\"error_description\":\"unknown client\"}")));
		DefaultDeviceAuthorizer authorizer = authorizer(registration("pub", ClientAuthenticationMethod.NONE, null));
		assertThatExceptionOfType(TokenExchangeException.class).isThrownBy(() -> authorizer.authorize("pub"))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_client"))
			.withMessageContaining("device authorization endpoint")
			.withMessageContaining("HTTP 401")
			.withMessageContaining("unknown client")
			.withMessageContaining("client-authentication-method");
		assertThat(printed()).isEmpty();
	}

	@Test
	void cancellingTheFutureStopsThePollingAndSavesNothing() throws Exception {
		deviceAuthorization(answer("https://idp.example/device", ""));
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(DevicePollingTests.error(400, "authorization_pending")));
		DefaultDeviceAuthorizer authorizer = authorizer(DevicePolling.Sleeper.THREAD,
				registration("pub", ClientAuthenticationMethod.NONE, null));
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer.authorizeAsync("pub",
				AuthorizationOptions.defaults());
		assertThat(login.cancel(true)).isTrue();
		assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> login.get(5, TimeUnit.SECONDS));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (pollerRunning() && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(pollerRunning()).as("the polling thread ended").isFalse();
		this.wireMock.verify(0, postRequestedFor(urlEqualTo("/token")));
		assertThat(this.store.<OAuth2AuthorizedClient>loadAuthorizedClient("pub", "ada")).isNull();
	}

	/**
	 * Ctrl-C pressed the moment the code appears (the JVM's hook cancels what is registered): the login ends as
	 * cancelled, with its message; no browser is opened and no poll is sent (the provider would have refused it).
	 */
	@Test
	void ctrlCAsSoonAsTheCodeIsShownCancelsTheLoginBeforeAnyPoll() throws Exception {
		deviceAuthorization(answer("https://idp.example/device", ""));
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(DevicePollingTests.error(400, "access_denied")));
		AtomicReference<DefaultDeviceAuthorizer> authorizer = new AtomicReference<>();
		ConsoleTrigger console = ConsoleTrigger.when("and enter the code:",
				() -> WaitingLogins.cancel(authorizer.get(), WaitingLogins.JVM_STOPPING));
		authorizer.set(authorizer(this.waits::add, console, registration("pub", ClientAuthenticationMethod.NONE, null)));
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer.get()
			.authorizeAsync("pub", AuthorizationOptions.defaults());
		assertThat(console.fired()).isTrue();
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> login.get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(AuthorizationCancelledException.class);
		assertThat(console.printed()).contains("The 'pub' device login was cancelled: " + WaitingLogins.JVM_STOPPING
				+ ". Polling has stopped");
		assertThat(this.opened).as("no browser opened after the cancellation").isEmpty();
		// A poller of an earlier test may still be ending; none of this login's is started.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (pollerRunning() && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(pollerRunning()).as("no polling thread").isFalse();
		this.wireMock.verify(0, postRequestedFor(urlEqualTo("/token")));
	}

	/**
	 * A polling thread that cannot start (out of threads): the login fails at once with that error, its Ctrl-C
	 * registration is gone (cancelling the authorizer's logins finds nothing to cancel) and the countdown thread ends.
	 */
	@Test
	void aPollerThatCannotStartFailsTheLoginAndLeavesNothingWaiting() throws Exception {
		deviceAuthorization(answer("https://idp.example/device", ""));
		DefaultDeviceAuthorizer authorizer = authorizer(registration("pub", ClientAuthenticationMethod.NONE, null));
		authorizer.setProgress(ProgressStyle.PLAIN, Clock.systemUTC());
		OutOfMemoryError noThread = new OutOfMemoryError("unable to create native thread (test)");
		authorizer.setPollers((polling) -> new Thread(polling, DefaultDeviceAuthorizer.POLLER_THREAD_NAME) {
			@Override
			public synchronized void start() {
				throw noThread;
			}
		});
		assertThatExceptionOfType(OutOfMemoryError.class)
			.isThrownBy(() -> authorizer.authorizeAsync("pub", AuthorizationOptions.defaults()))
			.isSameAs(noThread);
		WaitingLogins.cancel(authorizer, "the test cancels what is left");
		assertThat(printed()).as("nothing left registered to cancel").doesNotContain("was cancelled");
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (countdownRunning() && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(countdownRunning()).as("the countdown thread ended").isFalse();
		this.wireMock.verify(0, postRequestedFor(urlEqualTo("/token")));
	}

	private static boolean countdownRunning() {
		return Thread.getAllStackTraces().keySet().stream()
			.anyMatch((thread) -> thread.getName().equals(WaitingProgress.THREAD_NAME) && thread.isAlive());
	}

	private static boolean pollerRunning() {
		return Thread.getAllStackTraces().keySet().stream()
			.anyMatch((thread) -> thread.getName().equals("oauth-callback-device-login") && thread.isAlive());
	}

	@Test
	void aDeviceRegistrationWithoutAnEndpointFailsAtStartUp() {
		ClientRegistration none = ClientRegistration.withRegistrationId("dev")
			.clientId("cli")
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
			.tokenUri("https://idp.example/token")
			.build();
		assertThatExceptionOfType(InvalidRegistrationException.class).isThrownBy(() -> authorizer(none))
			.withMessageContaining("oauth-callback.registrations.dev.device-authorization-uri");
	}

	@Test
	void aDeviceRegistrationWithoutSecretMustBePublic() {
		ClientRegistration basic = ClientRegistration.withRegistrationId("dev")
			.clientId("cli")
			.authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
			.tokenUri("https://idp.example/token")
			.providerConfigurationMetadata(Map.of(DeviceEndpoints.METADATA_NAME, "https://idp.example/device"))
			.build();
		assertThatExceptionOfType(InvalidRegistrationException.class).isThrownBy(() -> authorizer(basic))
			.withMessageContaining("client-authentication-method=none")
			.satisfies((ex) -> assertThat(ex.getAttribute()).isEqualTo("client-authentication-method"));
	}

	@Test
	void aConfiguredEndpointTakesPrecedenceOverDiscovery() {
		ClientRegistration registration = registration("pub", ClientAuthenticationMethod.NONE, null);
		DeviceEndpoints endpoints = new DeviceEndpoints(Map.of("pub", URI.create("https://other.example/da")));
		assertThat(endpoints.of(registration)).isEqualTo(URI.create("https://other.example/da"));
		assertThat(new DeviceEndpoints(Map.of()).of(registration))
			.isEqualTo(URI.create(this.wireMock.baseUrl() + "/device_authorization"));
	}

}

package io.github.oauthcallback.authorize;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.authorize.CachingIdTokenDecoderFactory;
import io.github.oauthcallback.internal.authorize.DefaultLoopbackAuthorizer;
import io.github.oauthcallback.internal.authorize.DeviceGrantUnavailableException;
import io.github.oauthcallback.internal.authorize.DeviceLoginStarter;
import io.github.oauthcallback.internal.authorize.LoginWays;
import io.github.oauthcallback.internal.environment.BrowserAvailability;
import io.github.oauthcallback.internal.environment.LoginMode;
import io.github.oauthcallback.internal.environment.RunEnvironment;
import io.github.oauthcallback.internal.environment.TerminalInput;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.support.FakeTerminal;
import io.github.oauthcallback.support.ListenerResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The authorizer follows the chosen way: it says why, prints without running the launcher where a browser cannot be
 * used, hands the login to the device-grant hook, and refuses a forced device mode it cannot serve before binding
 * anything.
 */
class LoginModeTests {

	private static final ClientRegistration REGISTRATION = ClientRegistration.withRegistrationId("x")
		.clientId("cli")
		.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("http://127.0.0.1/callback")
		.scope("read")
		.authorizationUri("https://idp.example/authorize")
		.tokenUri("https://idp.example/token")
		.build();

	private static final RunEnvironment SSH = RunEnvironment.of(Map.of("SSH_CONNECTION", "10.0.0.2 5022 10.0.0.9 22"),
			"Linux", false, (command) -> true);

	private final InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
			REGISTRATION);

	private final OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> tokens = (grant) -> OAuth2AccessTokenResponse
		.withToken("AT-1")
		.tokenType(OAuth2AccessToken.TokenType.BEARER)
		.expiresIn(3600)
		.build();

	private final ByteArrayOutputStream console = new ByteArrayOutputStream();

	private final List<URI> launched = new ArrayList<>();

	private final BrowserLauncher launcher = this.launched::add;

	@AfterEach
	void nothingLeftRunning() throws Exception {
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	private DefaultLoopbackAuthorizer authorizer(LoginMode mode, RunEnvironment environment,
			BrowserAvailability browser, DeviceLoginStarter device) {
		return authorizer(mode, environment, NO_TERMINAL, browser, device);
	}

	private DefaultLoopbackAuthorizer authorizer(LoginMode mode, RunEnvironment environment, TerminalInput terminal,
			BrowserAvailability browser, DeviceLoginStarter device) {
		DefaultLoopbackAuthorizer authorizer = new DefaultLoopbackAuthorizer(this.registrations,
				new InMemoryOAuth2AuthorizedClientService(this.registrations), this.tokens,
				new CachingIdTokenDecoderFactory(), this.launcher,
				new PrintStream(this.console, true, StandardCharsets.UTF_8), ListenerSettings.defaults(), "ada",
				Duration.ofMinutes(1));
		authorizer.setLoginWays(new LoginWays(mode, environment, terminal, () -> browser, device));
		return authorizer;
	}

	private static final TerminalInput NO_TERMINAL = FakeTerminal.none(() -> {
		throw new AssertionError("standard input is no terminal: it must not be read");
	});

	private String printed() {
		return this.console.toString(StandardCharsets.UTF_8);
	}

	@Test
	void pasteModePrintsTheUrlRunsNoLauncherAndTheListenerStillTakesTheRedirect() throws Exception {
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer(LoginMode.PASTE, SSH,
				BrowserAvailability.detected("xdg-open"), null)
			.authorizeAsync("x", null);
		assertThat(this.launched).isEmpty();
		Matcher url = Pattern.compile("Open this URL to continue: (\\S+)").matcher(printed());
		assertThat(url.find()).isTrue();
		Map<String, String> parameters = org.springframework.web.util.UriComponentsBuilder.fromUriString(url.group(1))
			.build()
			.getQueryParams()
			.toSingleValueMap();
		String redirect = java.net.URLDecoder.decode(parameters.get("redirect_uri"), StandardCharsets.UTF_8);
		assertThat(printed()).startsWith("oauth-callback.login.mode=paste, but there is no terminal: nothing is read from "
				+ "standard input, so open the URL in a browser that can reach this machine (port "
				+ URI.create(redirect).getPort() + ").");
		HttpResponse<String> callback = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(redirect + "?code=c&state=" + parameters.get("state"))).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(callback.statusCode()).isEqualTo(200);
		assertThat(login.get().getAccessToken().getTokenValue()).isEqualTo("AT-1");
	}

	@Test
	void aForcedDeviceModeWithoutTheGrantFailsBeforeAnythingIsBound() {
		assertThatExceptionOfType(DeviceGrantUnavailableException.class)
			.isThrownBy(() -> authorizer(LoginMode.DEVICE, SSH, BrowserAvailability.detected("xdg-open"), null)
				.authorizeAsync("x", null))
			.withMessage("The device authorization grant is not available for registration 'x': this application "
					+ "has no device-grant support (no DeviceLoginStarter). Set oauth-callback.login.mode to auto, "
					+ "browser or paste to log in through the browser (paste works where the browser cannot reach "
					+ "this machine).")
			.satisfies((ex) -> assertThat(ex.getAttribute()).isEqualTo("authorization-grant-type"));
		assertThatExceptionOfType(DeviceGrantUnavailableException.class)
			.isThrownBy(() -> authorizer(LoginMode.DEVICE, SSH, BrowserAvailability.detected("xdg-open"),
					new RecordingDevice(false))
				.authorizeAsync("x", null))
			.withMessageContaining("its provider has no device authorization endpoint");
		assertThat(ListenerResources.listenerThreads()).isEmpty();
		assertThat(this.launched).isEmpty();
		assertThat(printed()).isEmpty();
	}

	@Test
	void theDeviceHookGetsTheLoginWithItsAccountAndTimeoutResolved() {
		RecordingDevice device = new RecordingDevice(true);
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer(LoginMode.DEVICE, SSH,
				BrowserAvailability.detected("xdg-open"), device)
			.authorizeAsync("x", AuthorizationOptions.defaults().withLoginHint("ada@example"));
		assertThat(login).isSameAs(device.future);
		assertThat(device.options.account()).isEqualTo("ada");
		assertThat(device.options.timeout()).isEqualTo(Duration.ofMinutes(1));
		assertThat(device.options.loginHint()).isEqualTo("ada@example");
		assertThat(printed()).isEqualTo("oauth-callback.login.mode=device: using the device authorization grant."
				+ System.lineSeparator());
		assertThat(this.launched).isEmpty();
	}

	@Test
	void autoOverSshHandsTheLoginToTheDeviceGrantOnlyWithATerminal() {
		RecordingDevice device = new RecordingDevice(true);
		DefaultLoopbackAuthorizer authorizer = authorizer(LoginMode.AUTO, SSH,
				FakeTerminal.typing(InputStream.nullInputStream()), BrowserAvailability.detected("xdg-open"), device);
		assertThat(authorizer.authorizeAsync("x", null)).isSameAs(device.future);
		assertThat(printed()).startsWith("SSH session (SSH_CONNECTION is set) without a forwarded display");
	}

	@Test
	void autoOverSshWithoutTheDeviceGrantPrintsTheUrlWithTheForwardingHintForTheRealPort() {
		DefaultLoopbackAuthorizer authorizer = authorizer(LoginMode.AUTO, SSH,
				FakeTerminal.typing(InputStream.nullInputStream()), BrowserAvailability.detected("xdg-open"), null);
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer.authorizeAsync("x", null);
		try {
			Matcher port = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/callback").matcher(printed());
			assertThat(port.find()).isTrue();
			String p = port.group(1);
			assertThat(printed()).contains("ssh -L " + p + ":127.0.0.1:" + p, "Open this URL to continue: ",
					"Or paste here the address the browser ends on (http://127.0.0.1:" + p + "/callback?...)");
			assertThat(this.launched).isEmpty();
		}
		finally {
			login.cancel(true);
		}
	}

	private static final class RecordingDevice implements DeviceLoginStarter {

		final CompletableFuture<OAuth2AuthorizedClient> future = new CompletableFuture<>();

		private final boolean supports;

		volatile AuthorizationOptions options;

		RecordingDevice(boolean supports) {
			this.supports = supports;
		}

		@Override
		public boolean supports(ClientRegistration registration) {
			return this.supports;
		}

		@Override
		public CompletableFuture<OAuth2AuthorizedClient> start(ClientRegistration registration,
				AuthorizationOptions options) {
			this.options = options;
			return this.future;
		}

	}

}

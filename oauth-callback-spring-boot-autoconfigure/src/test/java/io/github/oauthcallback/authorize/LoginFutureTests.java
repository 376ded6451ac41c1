package io.github.oauthcallback.authorize;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.loopback.ListenerSettings;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The future {@link DefaultLoopbackAuthorizer#authorizeAsync} returns, and the printed URL.
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

	private final OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> tokens = (grant) -> {
		throw new IllegalStateException("no exchange expected");
	};

	private final ByteArrayOutputStream console = new ByteArrayOutputStream();

	@AfterEach
	void nothingLeftRunning() throws Exception {
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	private DefaultLoopbackAuthorizer authorizer(BrowserLauncher browser) {
		return new DefaultLoopbackAuthorizer(this.registrations,
				new InMemoryOAuth2AuthorizedClientService(this.registrations), this.tokens,
				new CachingIdTokenDecoderFactory(), browser, new PrintStream(this.console, true, StandardCharsets.UTF_8),
				ListenerSettings.defaults(), "ada", Duration.ofMinutes(1));
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

	@Test
	void theUrlIsPrintedEvenWhenTheLauncherFails() throws Exception {
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer((uri) -> {
			throw new IllegalStateException("no display");
		}).authorizeAsync("x", null);
		login.cancel(true);
		assertThat(this.console.toString(StandardCharsets.UTF_8)).startsWith("Open this URL to continue: ");
	}

}

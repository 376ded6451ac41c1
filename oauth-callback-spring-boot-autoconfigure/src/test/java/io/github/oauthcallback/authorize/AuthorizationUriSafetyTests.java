package io.github.oauthcallback.authorize;

import io.github.oauthcallback.internal.authorize.CachingIdTokenDecoderFactory;
import io.github.oauthcallback.internal.authorize.DefaultLoopbackAuthorizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.oauthcallback.internal.browser.UnsafeBrowserUriException;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.support.ListenerResources;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Only a safe authorization URL is printed or handed to a browser launcher: an unsafe authorization-uri fails at
 * start-up naming the property, and (for registrations the authorizer cannot list in advance) at the login, before
 * anything is printed or launched.
 */
class AuthorizationUriSafetyTests {

	private final List<URI> launched = new CopyOnWriteArrayList<>();

	private final BrowserLauncher recording = this.launched::add;

	private final ByteArrayOutputStream console = new ByteArrayOutputStream();

	private static ClientRegistration registration(String authorizationUri) {
		return ClientRegistration.withRegistrationId("idp")
			.clientId("cli")
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.scope("read")
			.authorizationUri(authorizationUri)
			.tokenUri("https://idp.example/token")
			.build();
	}

	private DefaultLoopbackAuthorizer authorizer(ClientRegistrationRepository registrations) {
		return new DefaultLoopbackAuthorizer(registrations,
				new InMemoryOAuth2AuthorizedClientService(new InMemoryClientRegistrationRepository(
						registration("https://idp.example/authorize"))),
				new RestClientAuthorizationCodeTokenResponseClient(), new CachingIdTokenDecoderFactory(),
				this.recording, new PrintStream(this.console, true, StandardCharsets.UTF_8),
				ListenerSettings.defaults(), "ada", Duration.ofSeconds(30));
	}

	@Test
	void anUnsafeAuthorizationUriFailsAtStartUpNamingTheProperty() {
		for (String unsafe : List.of("http://idp.example/authorize", "file:///tmp/login.html",
				"https://user@idp.example/authorize")) {
			assertThatExceptionOfType(UnsafeBrowserUriException.class).as(unsafe)
				.isThrownBy(() -> authorizer(new InMemoryClientRegistrationRepository(registration(unsafe))))
				.withMessageContaining("registration 'idp'")
				.withMessageContaining("spring.security.oauth2.client.provider.<id>.authorization-uri");
		}
		assertThat(this.launched).isEmpty();
		assertThat(this.console.size()).isZero();
	}

	@Test
	void anUnsafeAuthorizationUrlIsNeitherPrintedNorLaunchedAtTheLogin() throws Exception {
		// not enumerable: the authorizer meets the registration only at the login
		ClientRegistrationRepository lookupOnly = (id) -> "idp".equals(id)
				? registration("javascript:alert(1)//") : null;
		DefaultLoopbackAuthorizer authorizer = authorizer(lookupOnly);
		assertThatExceptionOfType(UnsafeBrowserUriException.class).isThrownBy(() -> authorizer.authorizeAsync("idp",
				null));
		assertThat(this.launched).isEmpty();
		assertThat(this.console.size()).isZero();
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	@Test
	void safeLoopbackAndHttpsProvidersAreLaunched() throws Exception {
		for (String safe : List.of("http://127.0.0.1:9000/authorize", "http://localhost:9000/authorize",
				"https://idp.example/authorize")) {
			this.launched.clear();
			DefaultLoopbackAuthorizer authorizer = authorizer(
					new InMemoryClientRegistrationRepository(registration(safe)));
			authorizer.authorizeAsync("idp", null).cancel(true);
			assertThat(this.launched).singleElement().asString().startsWith(safe + "?");
		}
		assertThat(this.console.toString(StandardCharsets.UTF_8)).contains("Open this URL to continue: https://");
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

}

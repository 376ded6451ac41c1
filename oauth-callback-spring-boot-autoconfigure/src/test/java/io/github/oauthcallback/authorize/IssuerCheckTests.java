package io.github.oauthcallback.authorize;

import io.github.oauthcallback.internal.authorize.CachingIdTokenDecoderFactory;
import io.github.oauthcallback.internal.authorize.DefaultLoopbackAuthorizer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.oauthcallback.AuthorizationErrorException;
import io.github.oauthcallback.AuthorizationIssuerMismatchException;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.support.CallbackBrowser;
import io.github.oauthcallback.support.CapturedLogs;
import io.github.oauthcallback.support.ListenerResources;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The RFC 9207 mix-up defence against a WireMock provider discovered through its issuer-uri: one that advertises
 * {@code authorization_response_iss_parameter_supported} and one that does not. A response from another issuer, or
 * without {@code iss} where it is promised, never reaches the token endpoint.
 */
class IssuerCheckTests {

	private static final String MARKER = "zqMarker71";

	private WireMockServer provider;

	private final InMemoryClientRegistrationRepository noRegistrations = new InMemoryClientRegistrationRepository(
			ClientRegistration.withRegistrationId("unused")
				.clientId("unused")
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.tokenUri("https://unused.example/token")
				.build());

	private InMemoryOAuth2AuthorizedClientService store;

	@BeforeEach
	void start() {
		this.provider = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.provider.start();
		this.provider.stubFor(post(urlEqualTo("/token")).willReturn(okJson("{\"access_token\":\"AT-SECRET-1\","
				+ "\"token_type\":\"Bearer\",\"expires_in\":3600,\"scope\":\"read\"}")));
		this.store = new InMemoryOAuth2AuthorizedClientService(this.noRegistrations);
	}

	@AfterEach
	void stop() throws Exception {
		this.provider.stop();
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	/** An OpenID provider at {@code <wiremock>/path}, whose token endpoint is WireMock's {@code /token}. */
	private String serve(String path, boolean advertisesIss) {
		String issuer = this.provider.baseUrl() + path;
		this.provider.stubFor(get(urlEqualTo(path + "/.well-known/openid-configuration")).willReturn(okJson(
				"{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
						+ "\"token_endpoint\":\"" + this.provider.baseUrl() + "/token\",\"jwks_uri\":\"" + issuer
						+ "/jwks\",\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
						+ "\"id_token_signing_alg_values_supported\":[\"RS256\"],"
						+ "\"token_endpoint_auth_methods_supported\":[\"none\"]"
						+ (advertisesIss ? ",\"authorization_response_iss_parameter_supported\":true" : "") + "}")));
		return issuer;
	}

	private static ClientRegistration discovered(String issuer) {
		return ClientRegistrations.fromIssuerLocation(issuer)
			.registrationId("idp")
			.clientId("cli")
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.redirectUri("http://127.0.0.1/callback")
			.scope("read")
			.build();
	}

	private OAuth2AuthorizedClient login(ClientRegistration registration, CallbackBrowser browser) {
		RestClientAuthorizationCodeTokenResponseClient tokens = new RestClientAuthorizationCodeTokenResponseClient();
		tokens.setRestClient(TokenEndpointClients.restClient(Duration.ofSeconds(2), Duration.ofSeconds(5)));
		this.store = new InMemoryOAuth2AuthorizedClientService(new InMemoryClientRegistrationRepository(registration));
		return new DefaultLoopbackAuthorizer(new InMemoryClientRegistrationRepository(registration), this.store,
				tokens, new CachingIdTokenDecoderFactory(), browser, ListenerSettings.defaults(), "ada",
				Duration.ofSeconds(30))
			.authorize(registration.getRegistrationId());
	}

	private int tokenRequests() {
		return this.provider.countRequestsMatching(postRequestedFor(urlEqualTo("/token")).build()).getCount();
	}

	private static String encoded(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	@Test
	void theMetadataFlagReachesTheRegistration() {
		assertThat(discovered(serve("/on", true)).getProviderDetails().getConfigurationMetadata())
			.containsEntry("authorization_response_iss_parameter_supported", true);
	}

	@Test
	void aMatchingIssLogsIn() throws Exception {
		String issuer = serve("/on", true);
		CallbackBrowser browser = CallbackBrowser.answering("code=the-code&iss=" + encoded(issuer));
		OAuth2AuthorizedClient client = login(discovered(issuer), browser);
		assertThat(client.getAccessToken().getTokenValue()).isEqualTo("AT-SECRET-1");
		assertThat(browser.response().body()).contains("Signed in");
		assertThat(tokenRequests()).isEqualTo(1);
	}

	@Test
	void anotherIssIsRefusedBeforeTheTokenEndpoint() throws Exception {
		String issuer = serve("/on", true);
		String attacker = "https://attacker.example/" + MARKER + "\u001b[31m";
		CallbackBrowser browser = CallbackBrowser.answering("code=the-code&iss=" + encoded(attacker));
		assertThatExceptionOfType(AuthorizationIssuerMismatchException.class)
			.isThrownBy(() -> login(discovered(issuer), browser))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).contains("'idp'", "'" + issuer + "'",
						"'https://attacker.example/" + MARKER + "'", "issuer-uri", "Run the login again");
				assertThat(ex.getMessage()).doesNotContain("\u001b");
				assertThat(ex.getExpectedIssuer()).isEqualTo(issuer);
				assertThat(ex.getReceivedIssuer()).isEqualTo("https://attacker.example/" + MARKER);
			});
		assertThat(browser.response().body()).contains("Sign-in failed").doesNotContain(MARKER);
		assertThat(tokenRequests()).isZero();
		assertThat((OAuth2AuthorizedClient) this.store.loadAuthorizedClient("idp", "ada")).isNull();
	}

	@Test
	void anIssThatOnlyResemblesTheIssuerIsRefused() throws Exception {
		String issuer = serve("/on", false);
		for (String near : new String[] { issuer + "/", issuer.toUpperCase(), issuer + " ", "" }) {
			CallbackBrowser browser = CallbackBrowser.answering("code=c&iss=" + encoded(near));
			assertThatExceptionOfType(AuthorizationIssuerMismatchException.class)
				.as(near)
				.isThrownBy(() -> login(discovered(issuer), browser));
		}
		CallbackBrowser twice = CallbackBrowser.answering("code=c&iss=" + encoded(issuer) + "&iss=" + encoded(issuer));
		assertThatExceptionOfType(AuthorizationIssuerMismatchException.class)
			.isThrownBy(() -> login(discovered(issuer), twice));
		assertThat(tokenRequests()).isZero();
	}

	@Test
	void aPercentEncodedIssIsComparedAfterDecoding() throws Exception {
		String issuer = serve("/on", true);
		String everyCharacterEncoded = issuer.chars()
			.mapToObj((c) -> String.format("%%%02X", c))
			.reduce("", String::concat);
		login(discovered(issuer), CallbackBrowser.answering("code=c&iss=" + everyCharacterEncoded));
		assertThat(tokenRequests()).isEqualTo(1);
	}

	@Test
	void aMissingIssIsRefusedWhenTheProviderAdvertisesIt() throws Exception {
		String issuer = serve("/on", true);
		CallbackBrowser browser = CallbackBrowser.answering("code=the-code");
		assertThatExceptionOfType(AuthorizationIssuerMismatchException.class)
			.isThrownBy(() -> login(discovered(issuer), browser))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).contains("none", "authorization_response_iss_parameter_supported",
						"'" + issuer + "'");
				assertThat(ex.getReceivedIssuer()).isNull();
			});
		assertThat(browser.response().body()).contains("Sign-in failed");
		assertThat(tokenRequests()).isZero();
	}

	@Test
	void aMissingIssIsAcceptedWhenTheProviderDoesNotAdvertiseIt() throws Exception {
		String issuer = serve("/off", false);
		CallbackBrowser browser = CallbackBrowser.answering("code=the-code");
		assertThat(login(discovered(issuer), browser).getAccessToken().getTokenValue()).isEqualTo("AT-SECRET-1");
		assertThat(tokenRequests()).isEqualTo(1);
	}

	@Test
	void anotherIssOnAnErrorResponseIsAMixUpNotTheProvidersError() throws Exception {
		String issuer = serve("/off", false);
		CallbackBrowser browser = CallbackBrowser.answering("error=access_denied&error_description=" + MARKER
				+ "&error_uri=https%3A%2F%2Fattacker.example%2F" + MARKER + "&iss="
				+ encoded("https://attacker.example"));
		assertThatExceptionOfType(AuthorizationIssuerMismatchException.class)
			.isThrownBy(() -> login(discovered(issuer), browser))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain(MARKER, "access_denied"));
		assertThat(browser.response().body()).contains("Sign-in failed");
		assertThat(tokenRequests()).isZero();
	}

	@Test
	void theProvidersOwnErrorResponseIsStillReported() throws Exception {
		String issuer = serve("/on", true);
		CallbackBrowser browser = CallbackBrowser.answering("error=access_denied&error_description=Nope%1B%5B2J"
				+ "&iss=" + encoded(issuer));
		assertThatExceptionOfType(AuthorizationErrorException.class)
			.isThrownBy(() -> login(discovered(issuer), browser))
			.satisfies((ex) -> {
				assertThat(ex.getError()).isEqualTo("access_denied");
				assertThat(ex.getErrorDescription()).isEqualTo("Nope");
				assertThat(ex.getMessage()).doesNotContain("\u001b");
			});
	}

	@Test
	void aRegistrationWithoutIssuerAcceptsAnIssWithOneWarning() throws Exception {
		ClientRegistration explicit = ClientRegistration.withRegistrationId("plain")
			.clientId("cli")
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.scope("read")
			.authorizationUri(this.provider.baseUrl() + "/authorize")
			.tokenUri(this.provider.baseUrl() + "/token")
			.build();
		try (CapturedLogs logs = new CapturedLogs()) {
			login(explicit, CallbackBrowser.answering("code=c&iss=" + encoded("https://somewhere.example")));
			assertThat(logs.text().lines().filter((line) -> line.contains("WARN") && line.contains("iss")))
				.singleElement()
				.asString()
				.contains("'plain'", "cannot be checked", "issuer-uri");
		}
		assertThat(tokenRequests()).isEqualTo(1);
	}

}

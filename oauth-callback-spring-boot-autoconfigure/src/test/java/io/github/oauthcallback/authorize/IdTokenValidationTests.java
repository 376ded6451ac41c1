package io.github.oauthcallback.authorize;

import io.github.oauthcallback.internal.authorize.CachingIdTokenDecoderFactory;
import io.github.oauthcallback.internal.authorize.DefaultLoopbackAuthorizer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.github.oauthcallback.TokenExchangeException;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.support.CallbackBrowser;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * ID token validation through Spring Security's OIDC provider, with tokens signed here: signature (JWKS), iss, aud,
 * exp and nonce, and one JWKS fetch per registration however many logins.
 */
class IdTokenValidationTests {

	private static RSAKey providerKey;

	private static RSAKey otherKey;

	private WireMockServer wireMock;

	private InMemoryOAuth2AuthorizedClientService store;

	private DefaultLoopbackAuthorizer authorizer;

	private UnaryOperator<JWTClaimsSet.Builder> claims;

	private RSAKey signingKey;

	@BeforeAll
	static void keys() throws JOSEException {
		providerKey = new RSAKeyGenerator(2048).keyID("provider").generate();
		otherKey = new RSAKeyGenerator(2048).keyID("provider").generate();
	}

	@BeforeEach
	void start() {
		this.wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.wireMock.start();
		this.wireMock.stubFor(get(urlEqualTo("/jwks")).willReturn(okJson(new JWKSet(providerKey.toPublicJWK()).toString())));
	}

	@AfterEach
	void stop() {
		this.wireMock.stop();
	}

	private String issuer() {
		return this.wireMock.baseUrl();
	}

	private OAuth2AuthorizedClient login(UnaryOperator<JWTClaimsSet.Builder> claims, RSAKey signingKey) {
		ClientRegistration registration = ClientRegistration.withRegistrationId("oidc")
			.clientId("cli")
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.scope("openid")
			.authorizationUri(issuer() + "/authorize")
			.tokenUri(issuer() + "/token")
			.jwkSetUri(issuer() + "/jwks")
			.issuerUri(issuer())
			.build();
		if (this.authorizer == null) {
			this.store = new InMemoryOAuth2AuthorizedClientService(new InMemoryClientRegistrationRepository(registration));
			RestClientAuthorizationCodeTokenResponseClient tokens = new RestClientAuthorizationCodeTokenResponseClient();
			tokens.setRestClient(TokenEndpointClients.restClient(Duration.ofSeconds(2), Duration.ofSeconds(5)));
			CallbackBrowser callback = new CallbackBrowser("the-code");
			this.authorizer = new DefaultLoopbackAuthorizer(new InMemoryClientRegistrationRepository(registration),
					this.store, tokens, new CachingIdTokenDecoderFactory(), (uri) -> {
						stubTokenEndpoint(uri, this.claims, this.signingKey);
						callback.open(uri);
					}, ListenerSettings.defaults(), "ada", Duration.ofSeconds(30));
		}
		this.claims = claims;
		this.signingKey = signingKey;
		return this.authorizer.authorize("oidc");
	}

	private void stubTokenEndpoint(URI authorizationUri, UnaryOperator<JWTClaimsSet.Builder> claims, RSAKey key) {
		String nonce = org.springframework.web.util.UriComponentsBuilder.fromUri(authorizationUri)
			.build()
			.getQueryParams()
			.getFirst("nonce");
		Instant now = Instant.now();
		JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(issuer())
			.subject("ada")
			.audience("cli")
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(300)))
			.claim("nonce", nonce);
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
					claims.apply(builder).build());
			jwt.sign(new RSASSASigner(key));
			String body = new tools.jackson.databind.ObjectMapper()
				.writeValueAsString(Map.of("access_token", "at", "token_type", "Bearer", "expires_in", 300, "scope",
						"openid", "id_token", jwt.serialize()));
			this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(okJson(body)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void validIdTokenAndOneJwksFetchForSeveralLogins() {
		assertThat(login(UnaryOperator.identity(), providerKey)).isNotNull();
		assertThat(login(UnaryOperator.identity(), providerKey)).isNotNull();
		this.wireMock.verify(1, getRequestedFor(urlEqualTo("/jwks")));
	}

	@Test
	void signatureByAnotherKeyIsRejected() {
		assertRejected(UnaryOperator.identity(), otherKey, "invalid_id_token");
	}

	@Test
	void wrongNonceIsRejected() {
		assertRejected((claims) -> claims.claim("nonce", "replayed"), providerKey, "invalid_nonce");
	}

	@Test
	void wrongAudienceIsRejected() {
		assertRejected((claims) -> claims.audience("someone-else"), providerKey, "invalid_id_token");
	}

	@Test
	void wrongIssuerIsRejected() {
		assertRejected((claims) -> claims.issuer("https://evil.example"), providerKey, "invalid_id_token");
	}

	@Test
	void expiredIdTokenIsRejected() {
		Instant past = Instant.now().minus(Duration.ofHours(1));
		assertRejected((claims) -> claims.issueTime(Date.from(past.minusSeconds(60))).expirationTime(Date.from(past)),
				providerKey, "invalid_id_token");
	}

	private void assertRejected(UnaryOperator<JWTClaimsSet.Builder> claims, RSAKey key, String errorCode) {
		assertThatExceptionOfType(TokenExchangeException.class).isThrownBy(() -> login(claims, key))
			.satisfies((ex) -> {
				assertThat(ex.getErrorCode()).isEqualTo(errorCode);
				assertThat(ex.getMessage()).contains("ID token", "'oidc'");
			});
		assertThat((OAuth2AuthorizedClient) this.store.loadAuthorizedClient("oidc", "ada")).isNull();
	}

}

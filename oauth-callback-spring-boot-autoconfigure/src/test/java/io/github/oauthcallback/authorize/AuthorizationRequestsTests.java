package io.github.oauthcallback.authorize;

import io.github.oauthcallback.internal.authorize.AuthorizationRequests;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.web.util.UriComponentsBuilder;

import static org.assertj.core.api.Assertions.assertThat;

class AuthorizationRequestsTests {

	static ClientRegistration registration(String secret, String... scopes) {
		return ClientRegistration.withRegistrationId("demo")
			.clientId("cli")
			.clientSecret(secret)
			.clientAuthenticationMethod(
					(secret != null) ? ClientAuthenticationMethod.CLIENT_SECRET_BASIC : ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.scope(scopes)
			.authorizationUri("https://idp.example/authorize")
			.tokenUri("https://idp.example/token")
			.build();
	}

	private static final URI REDIRECT = URI.create("http://127.0.0.1:5000/callback");

	@Test
	void pkceS256IsAlwaysUsedConfidentialClientsIncluded() throws Exception {
		for (ClientRegistration registration : new ClientRegistration[] { registration(null, "read"),
				registration("secret", "read") }) {
			OAuth2AuthorizationRequest request = AuthorizationRequests.build(registration, REDIRECT, "s",
					AuthorizationOptions.defaults());
			String verifier = request.getAttribute(PkceParameterNames.CODE_VERIFIER);
			assertThat(verifier).hasSizeGreaterThanOrEqualTo(43);
			assertThat(request.getAdditionalParameters()).containsEntry(PkceParameterNames.CODE_CHALLENGE_METHOD,
					"S256");
			String challenge = Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
			assertThat(request.getAdditionalParameters()).containsEntry(PkceParameterNames.CODE_CHALLENGE, challenge);
			assertThat(request.getAuthorizationRequestUri()).contains("code_challenge_method=S256")
				.doesNotContain(verifier);
		}
	}

	@Test
	void stateIsFreshAndAtLeast128Bits() {
		Set<String> states = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			String state = AuthorizationRequests.newState();
			assertThat(Base64.getUrlDecoder().decode(state)).hasSizeGreaterThanOrEqualTo(16);
			states.add(state);
		}
		assertThat(states).hasSize(1000);
	}

	@Test
	void openidRequestsCarryTheHashedNonceAndKeepTheRawOne() {
		OAuth2AuthorizationRequest request = AuthorizationRequests.build(registration(null, "openid", "profile"),
				REDIRECT, "s", AuthorizationOptions.defaults());
		String nonce = request.getAttribute(OidcParameterNames.NONCE);
		assertThat(nonce).isNotBlank();
		assertThat(request.getAdditionalParameters()).containsEntry(OidcParameterNames.NONCE,
				AuthorizationRequests.hash(nonce));
		assertThat(request.getAuthorizationRequestUri()).doesNotContain(nonce);
		OAuth2AuthorizationRequest plain = AuthorizationRequests.build(registration(null, "read"), REDIRECT, "s",
				AuthorizationOptions.defaults());
		assertThat(plain.getAdditionalParameters()).doesNotContainKey(OidcParameterNames.NONCE);
		assertThat((String) plain.getAttribute(OidcParameterNames.NONCE)).isNull();
	}

	@Test
	void optionsAddScopesLoginHintAndPrompt() {
		OAuth2AuthorizationRequest request = AuthorizationRequests.build(registration(null, "read"), REDIRECT, "st",
				AuthorizationOptions.defaults()
					.withAdditionalScopes("write")
					.withLoginHint("ada@example.com")
					.withPrompt("consent"));
		var query = UriComponentsBuilder.fromUriString(request.getAuthorizationRequestUri()).build().getQueryParams();
		assertThat(request.getScopes()).containsExactlyInAnyOrder("read", "write");
		assertThat(query.getFirst("login_hint")).isEqualTo("ada@example.com");
		assertThat(query.getFirst("prompt")).isEqualTo("consent");
		assertThat(query.getFirst("state")).isEqualTo("st");
		assertThat(query.getFirst("response_type")).isEqualTo("code");
		assertThat(query.getFirst("redirect_uri")).isEqualTo(REDIRECT.toString());
	}

	@Test
	void configuredExtraParametersAreSentButNeverReplaceTheStartersOwn() {
		OAuth2AuthorizationRequest request = AuthorizationRequests.build(registration(null, "openid"), REDIRECT, "st",
				AuthorizationOptions.defaults(),
				java.util.Map.of("access_type", "offline", "state", "forged", "code_challenge_method", "plain"));
		var query = UriComponentsBuilder.fromUriString(request.getAuthorizationRequestUri()).build().getQueryParams();
		assertThat(query.getFirst("access_type")).isEqualTo("offline");
		assertThat(query.get("state")).containsExactly("st");
		assertThat(query.get("code_challenge_method")).containsExactly("S256");
	}

	@Test
	void extraParametersCannotChangeTheResponseModeOrSendARequestObject() {
		java.util.Map<String, String> extra = new java.util.LinkedHashMap<>();
		extra.put("response_mode", "form_post");
		extra.put("request", "eyJhbGciOiJub25lIn0.eyJyZWRpcmVjdF91cmkiOiJodHRwczovL2V2aWwuZXhhbXBsZSJ9.");
		extra.put("request_uri", "https://evil.example/request.jwt");
		extra.put("Response_Type", "token");
		extra.put("REDIRECT_URI", "https://evil.example/cb");
		extra.put("access_type", "offline");
		OAuth2AuthorizationRequest request = AuthorizationRequests.build(registration(null, "openid"), REDIRECT, "st",
				AuthorizationOptions.defaults(), extra);
		var query = UriComponentsBuilder.fromUriString(request.getAuthorizationRequestUri()).build().getQueryParams();
		assertThat(query.keySet()).doesNotContain("response_mode", "request", "request_uri", "Response_Type",
				"REDIRECT_URI");
		assertThat(query.get("response_type")).containsExactly("code");
		assertThat(query.get("redirect_uri")).containsExactly(REDIRECT.toString());
		assertThat(query.getFirst("access_type")).isEqualTo("offline");
		assertThat(AuthorizationRequests.RESERVED).contains("response_mode", "request", "request_uri");
	}

}

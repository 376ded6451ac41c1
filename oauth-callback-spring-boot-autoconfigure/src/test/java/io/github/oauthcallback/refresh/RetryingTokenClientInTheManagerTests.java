package io.github.oauthcallback.refresh;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.CapturedLogs;
import io.github.oauthcallback.support.TokenEndpointAnswers;
import io.github.oauthcallback.internal.tokenendpoint.RetryingTokenResponseClient;
import io.github.oauthcallback.internal.tokenendpoint.TokenRequestRetries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A manager whose refresh token client was wrapped in {@link RetryingTokenResponseClient} (which the docs advise
 * against, but which works): the replay after a lost answer happens inside the client, out of the manager's sight,
 * and the manager still learns from the client's typed exception that the refusal followed a lost answer.
 */
class RetryingTokenClientInTheManagerTests {

	@TempDir
	Path dir;

	private WireMockServer wireMock;

	@BeforeEach
	void start() {
		this.wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.wireMock.start();
	}

	@AfterEach
	void stop() {
		this.wireMock.stop();
	}

	@Test
	void refusalAfterALostAnswerInsideTheTokenClientRemovesTheLoginAndSaysWhy() throws Exception {
		TokenEndpointAnswers.inOrder(this.wireMock, aResponse().withFault(Fault.EMPTY_RESPONSE),
				TokenEndpointAnswers.invalidGrant());
		InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
				RefreshWorker.registration(this.wireMock.baseUrl() + "/token"));
		TokenStore store = new FileTokenStore(this.dir.resolve("tokens.json"), registrations, TokenCipher.none());
		Instant past = Instant.now().minusSeconds(10);
		store.saveAuthorizedClient(new OAuth2AuthorizedClient(registrations.findByRegistrationId("api"), "ada",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-old", past.minusSeconds(3600), past,
						Set.of()),
				new OAuth2RefreshToken("rt-old", past.minusSeconds(3600))), Accounts.principal("ada"));
		OAuthCallbackAuthorizedClientManager manager = RefreshWorker.manager(registrations, store,
				TokenRequestRetries.none(), (tokens) -> new RetryingTokenResponseClient<>(tokens, 3, Duration.ZERO));
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThatExceptionOfType(ReauthorizationRequiredException.class)
				.isThrownBy(() -> manager.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("api")
					.principal(Accounts.principal("ada"))
					.build()))
				.withMessageContaining("answer that was lost");
			assertThat(logs.text()).contains("WARN").contains("rotated it in the answer that was lost");
		}
		this.wireMock.verify(2, postRequestedFor(urlEqualTo("/token")));
		assertThat((OAuth2AuthorizedClient) store.loadAuthorizedClient("api", "ada")).isNull();
	}

}

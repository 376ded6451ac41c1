package io.github.oauthcallback.internal.tokenendpoint;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import io.github.oauthcallback.support.TokenEndpointAnswers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Which refresh failures are retried, how often and after how long, against real sockets (WireMock faults, a closed
 * port). Waits are recorded instead of slept.
 */
class RetryingTokenResponseClientTests {

	private static final String OK = "{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":3600}";

	private WireMockServer wireMock;

	private final List<Long> waits = new CopyOnWriteArrayList<>();

	private final AtomicInteger calls = new AtomicInteger();

	@BeforeEach
	void start() {
		this.wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.wireMock.start();
	}

	@AfterEach
	void stop() {
		this.wireMock.stop();
	}

	private RetryingTokenResponseClient<OAuth2RefreshTokenGrantRequest> client(String tokenUri, int attempts, Duration backoff,
			Duration maxBackoff) {
		RestClientRefreshTokenTokenResponseClient spring = new RestClientRefreshTokenTokenResponseClient();
		spring.setRestClient(
				TokenEndpointClients.restClient(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofDays(1)));
		OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> counting = (request) -> {
			this.calls.incrementAndGet();
			return spring.getTokenResponse(request);
		};
		return new RetryingTokenResponseClient<>(counting, attempts, backoff, maxBackoff, this.waits::add,
				() -> 1.0);
	}

	private RetryingTokenResponseClient<OAuth2RefreshTokenGrantRequest> client(int attempts) {
		return client(this.wireMock.baseUrl() + "/token", attempts, Duration.ofMillis(100), Duration.ofSeconds(5));
	}

	private RetryingTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> codeClient(int attempts) {
		RestClientAuthorizationCodeTokenResponseClient spring = TokenEndpointClients.configure(
				new RestClientAuthorizationCodeTokenResponseClient(),
				TokenEndpointClients.restClient(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofDays(1)));
		OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> counting = (request) -> {
			this.calls.incrementAndGet();
			return spring.getTokenResponse(request);
		};
		return new RetryingTokenResponseClient<>(counting, attempts, Duration.ofMillis(100), Duration.ofSeconds(5),
				this.waits::add, () -> 1.0);
	}

	private static ClientRegistration registration(String tokenUri) {
		return ClientRegistration.withRegistrationId("api")
			.clientId("cli")
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.authorizationUri("https://idp.example/authorize")
			.tokenUri(tokenUri)
			.build();
	}

	/** The code exchange at the end of a login: the code can be used once. */
	private OAuth2AuthorizationCodeGrantRequest codeGrant(String tokenUri) {
		OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri("https://idp.example/authorize")
			.clientId("cli")
			.redirectUri("http://127.0.0.1/callback")
			.state("state-1")
			.build();
		OAuth2AuthorizationResponse response = OAuth2AuthorizationResponse.success("code-1")
			.redirectUri("http://127.0.0.1/callback")
			.state("state-1")
			.build();
		return new OAuth2AuthorizationCodeGrantRequest(registration(tokenUri),
				new OAuth2AuthorizationExchange(request, response));
	}

	private OAuth2RefreshTokenGrantRequest grant(String tokenUri) {
		ClientRegistration registration = registration(tokenUri);
		Instant issued = Instant.now().minusSeconds(3600);
		return new OAuth2RefreshTokenGrantRequest(registration,
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-old", issued, issued.plusSeconds(60)),
				new OAuth2RefreshToken("rt-old", issued));
	}

	private OAuth2RefreshTokenGrantRequest grant() {
		return grant(this.wireMock.baseUrl() + "/token");
	}

	@Test
	void refusedConnectionIsRetriedUpToTheAttemptsWithGrowingWaits() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		String tokenUri = "http://127.0.0.1:" + closedPort + "/token";
		RetryingTokenResponseClient<OAuth2RefreshTokenGrantRequest> client = client(tokenUri, 4, Duration.ofMillis(100), Duration.ofSeconds(5));
		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> client.getTokenResponse(grant(tokenUri)))
			.satisfies((ex) -> assertThat(TokenRequestRetries.classify(TokenEndpointFailure.of(ex)))
				.isEqualTo(TokenRequestRetries.Failure.NOT_PROCESSED));
		assertThat(this.calls).hasValue(4);
		assertThat(this.waits).containsExactly(100L, 200L, 400L);
	}

	@Test
	void resetAfterTheRequestWasSentIsSentOnceMoreOnly() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> client(5).getTokenResponse(grant()));
		this.wireMock.verify(2, postRequestedFor(urlEqualTo("/token")));
		assertThat(this.waits).hasSize(1);
	}

	@Test
	void emptyAnswerIsSentOnceMoreAndMaySucceed() {
		TokenEndpointAnswers.inOrder(this.wireMock, aResponse().withFault(Fault.EMPTY_RESPONSE), okJson(OK));
		assertThat(client(3).getTokenResponse(grant()).getAccessToken().getTokenValue()).isEqualTo("at-new");
		this.wireMock.verify(2, postRequestedFor(urlEqualTo("/token")));
	}

	@Test
	void refusalOfTheReplayAfterALostAnswerIsReportedAsSuch() {
		TokenEndpointAnswers.inOrder(this.wireMock, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
				TokenEndpointAnswers.invalidGrant());
		assertThatExceptionOfType(RefusedAfterLostAnswerException.class)
			.isThrownBy(() -> client(3).getTokenResponse(grant()))
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_grant"));
	}

	@Test
	void codeExchangeThatMayHaveReachedTheProviderIsNeverSentAgain() {
		List<ResponseDefinitionBuilder> mayHaveReachedIt = List.of(
				aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), aResponse().withFault(Fault.EMPTY_RESPONSE),
				aResponse().withStatus(500), aResponse().withStatus(502), aResponse().withStatus(504));
		for (ResponseDefinitionBuilder answer : mayHaveReachedIt) {
			this.wireMock.resetAll();
			this.waits.clear();
			TokenEndpointAnswers.inOrder(this.wireMock, answer, okJson(OK));
			assertThatExceptionOfType(OAuth2AuthorizationException.class)
				.isThrownBy(() -> codeClient(3).getTokenResponse(codeGrant(this.wireMock.baseUrl() + "/token")));
			this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token")).withRequestBody(containing("code=code-1")));
			assertThat(this.waits).as("no back-off: the code is not sent again").isEmpty();
		}
	}

	@Test
	void codeExchangeThatCertainlyWasNotProcessedIsSentAgain() throws IOException {
		TokenEndpointAnswers.inOrder(this.wireMock, aResponse().withStatus(503).withHeader("Retry-After", "1"),
				aResponse().withStatus(429), okJson(OK));
		assertThat(codeClient(3).getTokenResponse(codeGrant(this.wireMock.baseUrl() + "/token"))
			.getAccessToken()
			.getTokenValue()).isEqualTo("at-new");
		this.wireMock.verify(3, postRequestedFor(urlEqualTo("/token")).withRequestBody(containing("code=code-1")));
		assertThat(this.waits).containsExactly(1000L, 200L);
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		this.calls.set(0);
		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> codeClient(3).getTokenResponse(codeGrant("http://127.0.0.1:" + closedPort + "/token")));
		assertThat(this.calls).as("a refused connection sent nothing").hasValue(3);
	}

	@Test
	void retryAfterIsHonouredAndCapped() {
		TokenEndpointAnswers.inOrder(this.wireMock, aResponse().withStatus(429).withHeader("Retry-After", "2"),
				aResponse().withStatus(503).withHeader("Retry-After", "3600"), okJson(OK));
		assertThat(client(3).getTokenResponse(grant()).getAccessToken().getTokenValue()).isEqualTo("at-new");
		assertThat(this.waits).as("Retry-After, then capped by the max backoff").containsExactly(2000L, 5000L);
	}

	@Test
	void retryableStatusesAreRetriedOthersAreNot() {
		for (int status : new int[] { 500, 502, 504 }) {
			this.wireMock.resetAll();
			this.waits.clear();
			this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(status)));
			assertThatExceptionOfType(OAuth2AuthorizationException.class)
				.isThrownBy(() -> client(3).getTokenResponse(grant()))
				.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("server_error"));
			this.wireMock.verify(3, postRequestedFor(urlEqualTo("/token")));
		}
		for (int status : new int[] { 501, 505, 400, 401 }) {
			this.wireMock.resetAll();
			this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(status)));
			assertThatExceptionOfType(OAuth2AuthorizationException.class)
				.isThrownBy(() -> client(3).getTokenResponse(grant()));
			this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token")));
		}
	}

	@Test
	void refusedRefreshTokenIsNotRetried() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\"}")));
		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> client(3).getTokenResponse(grant()))
			.isNotInstanceOf(RefusedAfterLostAnswerException.class)
			.satisfies((ex) -> assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_grant"));
		this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token")));
	}

	@Test
	void serverErrorKeepsTheProvidersOAuthErrorCode() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(503)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"temporarily_unavailable\",\"error_description\":\"rt-old is fine\"}")));
		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> client(1).getTokenResponse(grant()))
			.satisfies((ex) -> {
				assertThat(ex.getError().getErrorCode()).isEqualTo("temporarily_unavailable");
				assertThat(ex.getMessage()).doesNotContain("rt-old");
			});
	}

	@Test
	void waitsDoubleWithJitterAndNeverOverflow() {
		TokenRequestRetries full = new TokenRequestRetries(10, Duration.ofMillis(500), Duration.ofSeconds(30),
				(millis) -> {
				}, () -> 1.0);
		TokenRequestRetries half = new TokenRequestRetries(10, Duration.ofMillis(500), Duration.ofSeconds(30),
				(millis) -> {
				}, () -> 0.0);
		assertThat(full.delay(1, null)).isEqualTo(Duration.ofMillis(500));
		assertThat(half.delay(1, null)).isEqualTo(Duration.ofMillis(250));
		assertThat(full.delay(3, null)).isEqualTo(Duration.ofMillis(2000));
		assertThat(full.delay(10, null)).isEqualTo(Duration.ofSeconds(30));
		assertThat(full.delay(Integer.MAX_VALUE, null)).isEqualTo(Duration.ofSeconds(30));
		assertThat(half.delay(Integer.MAX_VALUE, null)).isEqualTo(Duration.ofSeconds(15));
		assertThat(full.delay(1, Duration.ofDays(1))).isEqualTo(Duration.ofSeconds(30));
		assertThat(half.delay(1, Duration.ofSeconds(7))).as("Retry-After gets no jitter").isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void invalidSettingsAreRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryingTokenResponseClient<OAuth2RefreshTokenGrantRequest>((request) -> null, 0, Duration.ZERO));
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryingTokenResponseClient<OAuth2RefreshTokenGrantRequest>((request) -> null,
				3, Duration.ofSeconds(10), Duration.ofSeconds(1)));
	}

	@Test
	void firstRetryIsLoggedAtInfoLaterOnesAtDebugWithoutSecrets() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(503)));
		Logger logger = (Logger) LoggerFactory.getLogger(TokenRequestRetries.class);
		Level previous = logger.getLevel();
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
		appender.start();
		logger.addAppender(appender);
		logger.setLevel(Level.DEBUG);
		try {
			RetryingTokenResponseClient<OAuth2RefreshTokenGrantRequest> client = client(3);
			assertThatExceptionOfType(OAuth2AuthorizationException.class)
				.isThrownBy(() -> client.getTokenResponse(grant()));
			assertThatExceptionOfType(OAuth2AuthorizationException.class)
				.isThrownBy(() -> client.getTokenResponse(grant()));
			assertThat(appender.list).extracting(ILoggingEvent::getLevel)
				.containsExactly(Level.INFO, Level.DEBUG, Level.DEBUG, Level.DEBUG);
			assertThat(appender.list).allSatisfy((event) -> assertThat(event.getFormattedMessage())
				.contains("'api'", "HTTP 503")
				.doesNotContain("rt-old", "at-old"));
		}
		finally {
			logger.detachAppender(appender);
			logger.setLevel(previous);
		}
	}

}

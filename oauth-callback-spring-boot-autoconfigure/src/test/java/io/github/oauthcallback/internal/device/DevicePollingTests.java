package io.github.oauthcallback.internal.device;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.AuthorizationErrorException;
import io.github.oauthcallback.AuthorizationTimeoutException;
import io.github.oauthcallback.TokenExchangeException;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointClients;
import io.github.oauthcallback.internal.tokenendpoint.TokenResponseClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2DeviceAuthorizationResponse;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The polling rules of RFC 8628 section 3.5 against a WireMock token endpoint that answers a scripted sequence. The
 * waits go through an injected sleeper that records them and moves an injected clock, so nothing really sleeps (a
 * read timeout aside) and the waits themselves are what is checked: "never faster" means every recorded wait.
 */
class DevicePollingTests {

	private static final String DEVICE_CODE = "dev-Code-8842-never-shown";

	private WireMockServer wireMock;

	private final List<Duration> waits = new CopyOnWriteArrayList<>();

	private final MovingClock clock = new MovingClock(Instant.parse("2026-11-02T10:00:00Z"));

	@BeforeEach
	void start() {
		this.wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.wireMock.start();
	}

	@AfterEach
	void stop() {
		this.wireMock.stop();
	}

	private DevicePolling polling(Duration readTimeout) {
		TokenResponseClients clients = new TokenResponseClients(
				() -> TokenEndpointClients.restClient(Duration.ofSeconds(2), readTimeout));
		return new DevicePolling(clients.deviceCode(), this.clock, (duration) -> {
			this.waits.add(duration);
			this.clock.advance(duration);
		});
	}

	private OAuth2AccessTokenResponse poll(long interval, long expiresIn, Duration timeout) throws Exception {
		return polling(Duration.ofSeconds(5)).poll(registration(), authorization(interval, expiresIn), timeout,
				() -> false);
	}

	private ClientRegistration registration() {
		return ClientRegistration.withRegistrationId("dev")
			.clientId("cli")
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
			.tokenUri(this.wireMock.baseUrl() + "/token")
			.build();
	}

	static OAuth2DeviceAuthorizationResponse authorization(long interval, long expiresIn) {
		return OAuth2DeviceAuthorizationResponse.with(DEVICE_CODE, "WDJB-MJHT")
			.verificationUri("https://idp.example/device")
			.expiresIn(expiresIn)
			.interval(interval)
			.build();
	}

	/** The token endpoint answers these, in order, one per request; the last one again after that. */
	private void answers(ResponseDefinitionBuilder... answers) {
		for (int i = 0; i < answers.length; i++) {
			String state = (i == 0) ? Scenario.STARTED : "answer-" + i;
			this.wireMock.stubFor(post(urlEqualTo("/token")).inScenario("polls")
				.whenScenarioStateIs(state)
				.willSetStateTo((i + 1 < answers.length) ? "answer-" + (i + 1) : state)
				.willReturn(answers[i]));
		}
	}

	static ResponseDefinitionBuilder error(int status, String error) {
		return aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"" + error + "\"}");
	}

	static ResponseDefinitionBuilder tokens() {
		return aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"acc-Token-1\",\"token_type\":\"Bearer\",\"expires_in\":300,"
					+ "\"refresh_token\":\"ref-Token-1\",\"scope\":\"read\"}");
	}

	private static List<Duration> seconds(long... values) {
		return java.util.Arrays.stream(values).mapToObj(Duration::ofSeconds).toList();
	}

	private int polls() {
		return this.wireMock.findAll(postRequestedFor(urlEqualTo("/token"))).size();
	}

	@Test
	void slowDownAddsFiveSecondsForThatAndEveryLaterPoll() throws Exception {
		answers(error(400, "authorization_pending"), error(400, "slow_down"), error(400, "authorization_pending"),
				error(400, "slow_down"), error(400, "authorization_pending"), tokens());
		OAuth2AccessTokenResponse response = poll(5, 600, Duration.ofMinutes(10));
		assertThat(response.getAccessToken().getTokenValue()).isEqualTo("acc-Token-1");
		assertThat(response.getRefreshToken().getTokenValue()).isEqualTo("ref-Token-1");
		assertThat(this.waits).as("the wait before each poll").isEqualTo(seconds(5, 5, 10, 10, 15, 15));
		assertThat(polls()).isEqualTo(6);
		this.wireMock.verify(6, postRequestedFor(urlEqualTo("/token"))
			.withRequestBody(containing("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"))
			.withRequestBody(containing("device_code=" + DEVICE_CODE))
			.withRequestBody(containing("client_id=cli")));
	}

	@Test
	void authorizationPendingManyTimesKeepsPollingAtTheInterval() throws Exception {
		ResponseDefinitionBuilder[] answers = new ResponseDefinitionBuilder[31];
		java.util.Arrays.fill(answers, error(400, "authorization_pending"));
		answers[30] = tokens();
		answers(answers);
		assertThat(poll(3, 600, Duration.ofMinutes(10)).getAccessToken().getTokenValue()).isEqualTo("acc-Token-1");
		assertThat(polls()).isEqualTo(31);
		assertThat(this.waits).hasSize(31).allMatch(Duration.ofSeconds(3)::equals);
	}

	@Test
	void withoutAnIntervalPollsEveryFiveSeconds() throws Exception {
		answers(error(400, "authorization_pending"), tokens());
		poll(0, 600, Duration.ofMinutes(10));
		assertThat(this.waits).isEqualTo(seconds(5, 5));
	}

	@Test
	void accessDeniedStopsWithTheProvidersError() {
		answers(error(400, "authorization_pending"), error(400, "access_denied"));
		assertThatExceptionOfType(AuthorizationErrorException.class)
			.isThrownBy(() -> poll(5, 600, Duration.ofMinutes(10)))
			.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("access_denied"))
			.withMessageContaining("declined");
		assertThat(polls()).isEqualTo(2);
	}

	@Test
	void expiredTokenStopsAndSaysToStartAgain() {
		answers(error(400, "expired_token"));
		assertThatExceptionOfType(AuthorizationTimeoutException.class)
			.isThrownBy(() -> poll(5, 600, Duration.ofMinutes(10)))
			.withMessageContaining("device code")
			.withMessageContaining("start the login again")
			.withMessageNotContaining(DEVICE_CODE);
		assertThat(polls()).isEqualTo(1);
	}

	@Test
	void noPollIsSentAfterTheDeviceCodeExpired() {
		answers(error(400, "authorization_pending"));
		assertThatExceptionOfType(AuthorizationTimeoutException.class)
			.isThrownBy(() -> poll(5, 12, Duration.ofMinutes(10)))
			.withMessageContaining("device code")
			.satisfies((ex) -> assertThat(ex.getTimeout()).isEqualTo(Duration.ofSeconds(12)));
		assertThat(polls()).isEqualTo(2);
		assertThat(this.waits).isEqualTo(seconds(5, 5));
	}

	@Test
	void theLoginTimeoutEndsThePolling() {
		answers(error(400, "authorization_pending"));
		assertThatExceptionOfType(AuthorizationTimeoutException.class)
			.isThrownBy(() -> poll(5, 600, Duration.ofSeconds(11)))
			.withMessageContaining("within 11 s");
		assertThat(polls()).isEqualTo(2);
	}

	@Test
	void aServerErrorWaitsForRetryAfterOrTheIntervalAndPollsAgain() throws Exception {
		answers(error(503, "temporarily_unavailable").withHeader("Retry-After", "20"), error(500, "server_error"),
				aResponse().withStatus(429).withHeader("Retry-After", "1"), error(400, "authorization_pending"),
				tokens());
		assertThat(poll(5, 600, Duration.ofMinutes(10)).getAccessToken().getTokenValue()).isEqualTo("acc-Token-1");
		assertThat(this.waits).as("Retry-After 20, then the interval; a shorter Retry-After never polls faster")
			.isEqualTo(seconds(5, 20, 5, 5, 5));
	}

	@Test
	void aSlowEndpointDoublesTheInterval() throws Exception {
		answers(error(400, "authorization_pending").withFixedDelay(1500), error(400, "authorization_pending"),
				tokens());
		OAuth2AccessTokenResponse response = polling(Duration.ofMillis(300)).poll(registration(),
				authorization(5, 600), Duration.ofMinutes(10), () -> false);
		assertThat(response.getAccessToken().getTokenValue()).isEqualTo("acc-Token-1");
		assertThat(this.waits).as("no answer in time: the interval doubles for every later poll")
			.isEqualTo(seconds(5, 10, 10));
	}

	@Test
	void anErrorAnsweredWithStatus200IsThatError() throws Exception {
		answers(error(200, "authorization_pending"), error(200, "slow_down"), tokens());
		assertThat(poll(5, 600, Duration.ofMinutes(10)).getAccessToken().getTokenValue()).isEqualTo("acc-Token-1");
		assertThat(this.waits).isEqualTo(seconds(5, 5, 10));
	}

	@Test
	void anotherErrorStopsWithATokenExchangeException() {
		answers(error(400, "invalid_grant"));
		assertThatExceptionOfType(TokenExchangeException.class)
			.isThrownBy(() -> poll(5, 600, Duration.ofMinutes(10)))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("invalid_grant"))
			.withMessageContaining("HTTP 400")
			.withMessageNotContaining(DEVICE_CODE);
		assertThat(polls()).isEqualTo(1);
	}

	@Test
	void anAbandonedLoginStopsBeforeTheNextPoll() {
		answers(error(400, "authorization_pending"));
		AtomicReference<Boolean> abandoned = new AtomicReference<>(false);
		DevicePolling polling = new DevicePolling(
				new TokenResponseClients(() -> TokenEndpointClients.restClient(Duration.ofSeconds(2),
						Duration.ofSeconds(2)))
					.deviceCode(),
				this.clock, (duration) -> {
					this.waits.add(duration);
					if (this.waits.size() == 3) {
						abandoned.set(true);
					}
				});
		assertThatExceptionOfType(AuthorizationCancelledException.class).isThrownBy(() -> polling
			.poll(registration(), authorization(5, 600), Duration.ofMinutes(10), abandoned::get));
		assertThat(polls()).isEqualTo(2);
	}

	@Test
	void anInterruptedWaitEndsThePolling() {
		answers(error(400, "authorization_pending"));
		DevicePolling polling = new DevicePolling(
				new TokenResponseClients(() -> TokenEndpointClients.restClient(Duration.ofSeconds(2),
						Duration.ofSeconds(2)))
					.deviceCode(),
				this.clock, (duration) -> {
					throw new InterruptedException();
				});
		assertThatExceptionOfType(InterruptedException.class).isThrownBy(
				() -> polling.poll(registration(), authorization(5, 600), Duration.ofMinutes(10), () -> false));
		assertThat(polls()).isZero();
	}

	/** A clock the test moves. */
	static final class MovingClock extends Clock {

		private final AtomicReference<Instant> now;

		MovingClock(Instant start) {
			this.now = new AtomicReference<>(start);
		}

		void advance(Duration duration) {
			this.now.updateAndGet((instant) -> instant.plus(duration));
		}

		@Override
		public Instant instant() {
			return this.now.get();
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	}

}

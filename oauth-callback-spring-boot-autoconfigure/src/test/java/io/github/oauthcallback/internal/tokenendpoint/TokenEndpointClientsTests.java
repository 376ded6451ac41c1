package io.github.oauthcallback.internal.tokenendpoint;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the token endpoint's {@code Retry-After} is read (moved from {@code RetryingTokenResponseClientTests}).
 */
class TokenEndpointClientsTests {

	@Test
	void retryAfterIsReadAsSecondsOrAsADate() {
		Clock clock = Clock.fixed(Instant.parse("2026-11-02T10:00:00Z"), ZoneOffset.UTC);
		assertThat(TokenEndpointClients.retryAfter("120", clock)).isEqualTo(Duration.ofSeconds(120));
		assertThat(TokenEndpointClients.retryAfter(" 0 ", clock)).isEqualTo(Duration.ZERO);
		String date = DateTimeFormatter.RFC_1123_DATE_TIME
			.format(ZonedDateTime.parse("2026-11-02T10:00:45Z"));
		assertThat(TokenEndpointClients.retryAfter(date, clock)).isEqualTo(Duration.ofSeconds(45));
		String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.parse("2026-11-02T09:00:00Z"));
		assertThat(TokenEndpointClients.retryAfter(past, clock)).isEqualTo(Duration.ZERO);
		assertThat(TokenEndpointClients.retryAfter("-5", clock)).isNull();
		assertThat(TokenEndpointClients.retryAfter("soon", clock)).isNull();
		assertThat(TokenEndpointClients.retryAfter(null, clock)).isNull();
	}

}

package io.github.oauthcallback.internal.observation;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.AuthorizationErrorException;
import io.github.oauthcallback.AuthorizationTimeoutException;
import io.github.oauthcallback.internal.tokenendpoint.ObservedFailures;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.GlobalObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.web.client.ResourceAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link Observations}, the conventions and the classification of failures, on a {@link TestObservationRegistry}
 * (whose validator also fails a test that stops an observation twice or reports an error after the stop). The
 * instrumented code against the real test peers: {@code ObservationsEndToEndTests}.
 */
class ObservationsTests {

	private static final TokenRequestObservationConvention CONVENTION = new TokenRequestObservationConvention();

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private static TokenRequestObservationContext context() {
		return new TokenRequestObservationContext("github",
				OAuthCallbackObservationContext.grant(AuthorizationGrantType.REFRESH_TOKEN));
	}

	@Test
	void workThatSucceedsIsOneStoppedObservationWithTheSuccessOutcome() {
		String result = Observations.observe(OAuthCallbackObservationDocumentation.TOKEN_REQUEST, CONVENTION,
				context(), this.registry, ObservedFailures::of, () -> "done");
		assertThat(result).isEqualTo("done");
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasNumberOfObservationsEqualTo(1)
			.hasObservationWithNameEqualTo("oauth.callback.token.request")
			.that()
			.hasBeenStarted()
			.hasBeenStopped()
			.doesNotHaveError()
			.hasContextualNameEqualTo("oauth-callback token refresh_token")
			.hasLowCardinalityKeyValue("oauth.callback.registration", "github")
			.hasLowCardinalityKeyValue("oauth.callback.grant", "refresh_token")
			.hasLowCardinalityKeyValue("oauth.callback.outcome", "success")
			.hasLowCardinalityKeyValue("oauth.callback.error", "none");
	}

	@Test
	void workThatFailsIsRethrownAndReportedWithItsOutcomeAndErrorCode() {
		OAuth2AuthorizationException refused = new OAuth2AuthorizationException(new OAuth2Error("invalid_grant"));
		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> Observations.observe(OAuthCallbackObservationDocumentation.TOKEN_REQUEST, CONVENTION,
					context(), this.registry, ObservedFailures::of, () -> {
						throw refused;
					}))
			.isSameAs(refused);
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("oauth.callback.token.request")
			.that()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("oauth.callback.outcome", "error_response")
			.hasLowCardinalityKeyValue("oauth.callback.error", "invalid_grant")
			.assertThatError()
			.isInstanceOf(ObservedError.class)
			.hasMessage("OAuth2AuthorizationException (error_response, invalid_grant)")
			.hasNoCause();
	}

	@Test
	void asyncWorkIsObservedUntilItsFutureCompletesAndCancellingThatFutureIsTheCancelledOutcome() {
		CompletableFuture<String> work = new CompletableFuture<>();
		LoginObservationContext login = new LoginObservationContext("github", "authorization_code",
				LoginObservationContext.BROWSER);
		CompletableFuture<String> returned = Observations.observeAsync(OAuthCallbackObservationDocumentation.LOGIN,
				new LoginObservationConvention(), login, this.registry, ObservedFailures::of, () -> work);
		assertThat(returned).as("the caller's future itself, so cancelling it reaches the work").isSameAs(work);
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("oauth.callback.login")
			.that()
			.hasBeenStarted()
			.isNotStopped();

		returned.cancel(true);

		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("oauth.callback.login")
			.that()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("oauth.callback.registration", "github")
			.hasLowCardinalityKeyValue("oauth.callback.outcome", "cancelled")
			.hasLowCardinalityKeyValue("oauth.callback.login.way", "browser")
			.hasLowCardinalityKeyValue("oauth.callback.grant", "authorization_code");
	}

	@Test
	void asyncWorkThatCannotStartIsAStoppedFailedObservation() {
		IllegalStateException failure = new IllegalStateException("cannot bind for account ada");
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> Observations.observeAsync(OAuthCallbackObservationDocumentation.LOGIN,
					new LoginObservationConvention(),
					new LoginObservationContext("github", "authorization_code", LoginObservationContext.PRINT),
					this.registry, ObservedFailures::of, () -> {
						throw failure;
					}))
			.isSameAs(failure);
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("oauth.callback.login")
			.that()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("oauth.callback.outcome", "failure")
			.assertThatError()
			.hasMessage("IllegalStateException (failure, none)");
	}

	@Test
	void anApplicationsGlobalConventionReplacesTheDefaultOne() {
		this.registry.observationConfig()
			.observationConvention(new GlobalObservationConvention<TokenRequestObservationContext>() {

				@Override
				public boolean supportsContext(Observation.Context context) {
					return context instanceof TokenRequestObservationContext;
				}

				@Override
				public String getName() {
					return "idp.calls";
				}

				@Override
				public KeyValues getLowCardinalityKeyValues(TokenRequestObservationContext context) {
					return KeyValues.of("provider.call", context.grant() + ":" + context.outcome().value());
				}

			});
		Observations.observe(OAuthCallbackObservationDocumentation.TOKEN_REQUEST, CONVENTION, context(),
				this.registry, ObservedFailures::of, () -> "done");
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("idp.calls")
			.that()
			.hasLowCardinalityKeyValue("provider.call", "refresh_token:success");
	}

	@Test
	void withTheNoopRegistryTheWorkRunsAndNothingIsRecorded() {
		assertThat(Observations.registry(null)).isSameAs(ObservationRegistry.NOOP);
		TokenRequestObservationContext context = context();
		assertThat(Observations.observe(OAuthCallbackObservationDocumentation.TOKEN_REQUEST, CONVENTION, context,
				ObservationRegistry.NOOP, ObservedFailures::of, () -> "done"))
			.isEqualTo("done");
		assertThat(context.getLowCardinalityKeyValues()).isEmpty();
	}

	@Test
	void failuresAreClassifiedByTypeAndErrorCodeNeverByMessage() {
		assertThat(ObservedFailures.of(new CompletionException(new CancellationException())))
			.isEqualTo(new Failure(Outcome.CANCELLED, "none"));
		assertThat(ObservedFailures.of(new AuthorizationCancelledException("github")))
			.isEqualTo(new Failure(Outcome.CANCELLED, "none"));
		assertThat(ObservedFailures.of(new AuthorizationTimeoutException("github", Duration.ofMinutes(5))))
			.isEqualTo(new Failure(Outcome.TIMEOUT, "none"));
		assertThat(ObservedFailures.of(new AuthorizationErrorException("github", "access_denied", "no", null)))
			.isEqualTo(new Failure(Outcome.ERROR_RESPONSE, "access_denied"));
		assertThat(ObservedFailures.of(new ResourceAccessException("I/O error", new ConnectException("refused"))))
			.isEqualTo(new Failure(Outcome.UNREACHABLE, "none"));
		assertThat(ObservedFailures.of(new ResourceAccessException("I/O error", new IOException("reset"))))
			.isEqualTo(new Failure(Outcome.IO_FAILURE, "none"));
		// Spring's own code for an answer it could not read is a failure, not the provider's error.
		assertThat(ObservedFailures.of(new OAuth2AuthorizationException(new OAuth2Error("invalid_token_response"))))
			.isEqualTo(new Failure(Outcome.FAILURE, "invalid_token_response"));
		// A provider's own code, which could be anything, never becomes a tag value.
		assertThat(ObservedFailures.of(new OAuth2AuthorizationException(new OAuth2Error("tenant_4711_locked"))))
			.isEqualTo(new Failure(Outcome.FAILURE, "other"));
		assertThat(ObservedFailures.of(new IllegalStateException("anything")))
			.isEqualTo(new Failure(Outcome.FAILURE, "none"));
	}

}

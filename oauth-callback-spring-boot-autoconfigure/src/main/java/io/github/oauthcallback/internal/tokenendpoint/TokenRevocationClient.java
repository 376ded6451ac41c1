package io.github.oauthcallback.internal.tokenendpoint;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;

import io.github.oauthcallback.internal.observation.OAuthCallbackObservationDocumentation;
import io.github.oauthcallback.internal.observation.Observations;
import io.github.oauthcallback.internal.observation.RevocationObservationContext;
import io.github.oauthcallback.internal.observation.RevocationObservationConvention;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointErrorHandler.TokenEndpointStatusException;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.client.RestClient;

/**
 * Revokes one token at a provider's revocation endpoint (RFC 7009): a form POST of {@code token} and
 * {@code token_type_hint}, authenticated as the registration authenticates at the token endpoint
 * ({@code client_secret_basic} with the client id and secret URL-encoded first, as Spring Security's token clients
 * send them; {@code client_secret_post}; {@code none}, which sends the client id in the body). It goes through a
 * {@code RestClient} of {@link TokenEndpointClients} (the application's HTTP client settings, the starter's
 * timeouts, no redirects, {@link TokenEndpointErrorHandler}), created on the first revocation, and its form body
 * prints no token ({@link RedactedForm}). One attempt per call: revocation is best effort and is not retried.
 */
public final class TokenRevocationClient {

	/** RFC 7009's hint for a refresh token. */
	public static final String REFRESH_TOKEN = "refresh_token";

	/** RFC 7009's hint for an access token. */
	public static final String ACCESS_TOKEN = "access_token";

	private static final RevocationObservationConvention CONVENTION = new RevocationObservationConvention();

	/** Created on the first revocation, once. */
	private final Supplier<RestClient> restClient;

	private final ObservationRegistry observations;

	/**
	 * @param restClients creates the {@code RestClient}, on the first revocation; usually one of
	 * {@link TokenEndpointClients#restClient}
	 */
	public TokenRevocationClient(Supplier<RestClient> restClients) {
		this(restClients, ObservationRegistry.NOOP);
	}

	/**
	 * @param restClients creates the {@code RestClient}, on the first revocation; usually one of
	 * {@link TokenEndpointClients#restClient}
	 * @param observations where each revocation is an {@code oauth.callback.revocation} observation
	 * ({@link ObservationRegistry#NOOP} for none)
	 */
	public TokenRevocationClient(Supplier<RestClient> restClients, ObservationRegistry observations) {
		this.restClient = SingletonSupplier.of(restClients);
		this.observations = Objects.requireNonNull(observations, "observations must not be null");
	}

	/**
	 * Asks the provider to revoke a token. RFC 7009 answers 200 both when the token was revoked and when it was
	 * unknown or invalid already.
	 * @param registration the registration whose token it is, for the client authentication
	 * @param endpoint the revocation endpoint
	 * @param token the token value
	 * @param tokenTypeHint {@link #REFRESH_TOKEN} or {@link #ACCESS_TOKEN}
	 * @throws org.springframework.security.oauth2.core.OAuth2AuthorizationException if the endpoint answered with
	 * anything but a 2xx status ({@link TokenEndpointFailure#of} says what it means)
	 * @throws org.springframework.web.client.RestClientException if no answer arrived
	 * @throws IllegalArgumentException if the registration's client authentication method is not one of
	 * {@code client_secret_basic}, {@code client_secret_post} and {@code none}
	 */
	public void revoke(ClientRegistration registration, URI endpoint, String token, String tokenTypeHint) {
		// The hint is one of this class's two constants, so the tag stays low-cardinality.
		RevocationObservationContext context = new RevocationObservationContext(registration.getRegistrationId(),
				REFRESH_TOKEN.equals(tokenTypeHint) ? REFRESH_TOKEN : ACCESS_TOKEN);
		Observations.observe(OAuthCallbackObservationDocumentation.REVOCATION, CONVENTION, context, this.observations,
				ObservedFailures::of, () -> {
					send(registration, endpoint, token, tokenTypeHint);
					return null;
				});
	}

	private void send(ClientRegistration registration, URI endpoint, String token, String tokenTypeHint) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add(OAuth2ParameterNames.TOKEN, token);
		form.add(OAuth2ParameterNames.TOKEN_TYPE_HINT, tokenTypeHint);
		ClientAuthenticationMethod method = registration.getClientAuthenticationMethod();
		boolean basic = ClientAuthenticationMethod.CLIENT_SECRET_BASIC.equals(method);
		if (ClientAuthenticationMethod.CLIENT_SECRET_POST.equals(method)) {
			form.add(OAuth2ParameterNames.CLIENT_ID, registration.getClientId());
			form.add(OAuth2ParameterNames.CLIENT_SECRET, registration.getClientSecret());
		}
		else if (ClientAuthenticationMethod.NONE.equals(method)) {
			form.add(OAuth2ParameterNames.CLIENT_ID, registration.getClientId());
		}
		else if (!basic) {
			throw new IllegalArgumentException("Client authentication method '" + method.getValue()
					+ "' cannot be sent to a revocation endpoint; use client_secret_basic, client_secret_post or none");
		}
		RedactedForm.redact(form);
		ResponseEntity<Void> answer = this.restClient.get().post()
			.uri(endpoint)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.accept(MediaType.APPLICATION_JSON)
			.headers((headers) -> {
				if (basic) {
					// URL-encoded first, as RFC 6749 section 2.3.1 says and Spring's
					// DefaultOAuth2TokenRequestHeadersConverter does.
					headers.setBasicAuth(encoded(registration.getClientId()),
							encoded(registration.getClientSecret()), StandardCharsets.UTF_8);
				}
			})
			.body(form)
			.retrieve()
			.toBodilessEntity();
		if (!answer.getStatusCode().is2xxSuccessful()) {
			// A redirect (not followed) or an informational answer: not RFC 7009's 200, so nothing is known revoked.
			throw new TokenEndpointStatusException(new OAuth2Error("invalid_revocation_response"),
					answer.getStatusCode().value(), null);
		}
	}

	private static String encoded(@Nullable String value) {
		return URLEncoder.encode((value != null) ? value : "", StandardCharsets.UTF_8);
	}

}

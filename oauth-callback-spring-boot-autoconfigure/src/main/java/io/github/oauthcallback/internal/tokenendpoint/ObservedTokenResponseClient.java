package io.github.oauthcallback.internal.tokenendpoint;

import io.github.oauthcallback.internal.observation.OAuthCallbackObservationContext;
import io.github.oauthcallback.internal.observation.OAuthCallbackObservationDocumentation;
import io.github.oauthcallback.internal.observation.Observations;
import io.github.oauthcallback.internal.observation.TokenRequestObservationContext;
import io.github.oauthcallback.internal.observation.TokenRequestObservationConvention;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * A token response client whose every request is an {@code oauth.callback.token.request} observation, tagged with
 * the registration id, the grant, the outcome and the OAuth error code of a failure; nothing of the request or the
 * response (code, verifier, secret, tokens) reaches the observation. It wraps any client, so an application's own
 * token response client can be observed the same way.
 *
 * @param <T> the grant request type
 */
public final class ObservedTokenResponseClient<T extends AbstractOAuth2AuthorizationGrantRequest>
		implements OAuth2AccessTokenResponseClient<T> {

	private static final TokenRequestObservationConvention CONVENTION = new TokenRequestObservationConvention();

	private final OAuth2AccessTokenResponseClient<T> delegate;

	private final ObservationRegistry registry;

	private ObservedTokenResponseClient(OAuth2AccessTokenResponseClient<T> delegate, ObservationRegistry registry) {
		this.delegate = delegate;
		this.registry = registry;
	}

	/**
	 * @param <T> the grant request type
	 * @param client the client
	 * @param registry the registry
	 * @return the client observed, or the client itself if the registry is the no-op one
	 */
	public static <T extends AbstractOAuth2AuthorizationGrantRequest> OAuth2AccessTokenResponseClient<T> of(
			OAuth2AccessTokenResponseClient<T> client, ObservationRegistry registry) {
		return registry.isNoop() ? client : new ObservedTokenResponseClient<>(client, registry);
	}

	@Override
	public OAuth2AccessTokenResponse getTokenResponse(T grantRequest) {
		TokenRequestObservationContext context = new TokenRequestObservationContext(
				grantRequest.getClientRegistration().getRegistrationId(),
				OAuthCallbackObservationContext.grant(grantRequest.getGrantType()));
		return Observations.observe(OAuthCallbackObservationDocumentation.TOKEN_REQUEST, CONVENTION, context,
				this.registry, ObservedFailures::of, () -> this.delegate.getTokenResponse(grantRequest));
	}

	@Override
	public String toString() {
		return "ObservedTokenResponseClient[" + this.delegate.getClass().getSimpleName() + "]";
	}

}

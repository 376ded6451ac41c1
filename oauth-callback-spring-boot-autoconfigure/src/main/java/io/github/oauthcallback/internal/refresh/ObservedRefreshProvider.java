package io.github.oauthcallback.internal.refresh;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.github.oauthcallback.internal.observation.OAuthCallbackObservationDocumentation;
import io.github.oauthcallback.internal.observation.Observations;
import io.github.oauthcallback.internal.observation.RefreshObservationContext;
import io.github.oauthcallback.internal.observation.RefreshObservationConvention;
import io.github.oauthcallback.internal.tokenendpoint.ObservedFailures;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;

/**
 * Spring Security's refresh-token provider, each refresh of which is an {@code oauth.callback.refresh} observation.
 * A request the provider passes on (no stored login, no refresh token, an access token not yet expired, by the same
 * clock and skew as the provider's) is not observed: it is no refresh.
 */
final class ObservedRefreshProvider implements OAuth2AuthorizedClientProvider {

	private static final RefreshObservationConvention CONVENTION = new RefreshObservationConvention();

	private final OAuth2AuthorizedClientProvider refresh;

	private final ObservationRegistry registry;

	private final Clock clock;

	private final Duration clockSkew;

	private ObservedRefreshProvider(OAuth2AuthorizedClientProvider refresh, ObservationRegistry registry, Clock clock,
			Duration clockSkew) {
		this.refresh = refresh;
		this.registry = registry;
		this.clock = clock;
		this.clockSkew = clockSkew;
	}

	/**
	 * @param refresh the refresh-token provider
	 * @param registry the registry
	 * @param clock the provider's clock
	 * @param clockSkew the provider's clock skew
	 * @return the provider observed, or itself if the registry is the no-op one
	 */
	static OAuth2AuthorizedClientProvider of(OAuth2AuthorizedClientProvider refresh, ObservationRegistry registry,
			Clock clock, Duration clockSkew) {
		return registry.isNoop() ? refresh : new ObservedRefreshProvider(refresh, registry, clock, clockSkew);
	}

	@Override
	public @Nullable OAuth2AuthorizedClient authorize(OAuth2AuthorizationContext context) {
		OAuth2AuthorizedClient client = context.getAuthorizedClient();
		if (client == null || client.getRefreshToken() == null || !expired(client.getAccessToken().getExpiresAt())) {
			return this.refresh.authorize(context);
		}
		RefreshObservationContext observed = new RefreshObservationContext(
				context.getClientRegistration().getRegistrationId());
		return Observations.observe(OAuthCallbackObservationDocumentation.REFRESH, CONVENTION, observed,
				this.registry, ObservedFailures::of, () -> this.refresh.authorize(context));
	}

	private boolean expired(@Nullable Instant expiresAt) {
		return expiresAt != null && this.clock.instant().isAfter(expiresAt.minus(this.clockSkew));
	}

}

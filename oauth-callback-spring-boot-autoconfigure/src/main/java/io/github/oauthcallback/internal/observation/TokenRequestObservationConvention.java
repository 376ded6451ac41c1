package io.github.oauthcallback.internal.observation;

import io.github.oauthcallback.internal.observation.OAuthCallbackObservationDocumentation.Keys;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The default convention of {@code oauth.callback.token.request}. An application changes it with a
 * {@code GlobalObservationConvention<TokenRequestObservationContext>} registered on its {@code ObservationRegistry}.
 */
public class TokenRequestObservationConvention implements ObservationConvention<TokenRequestObservationContext> {

	/** The observation name. */
	public static final String NAME = "oauth.callback.token.request";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(TokenRequestObservationContext context) {
		return "oauth-callback token " + context.grant();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(TokenRequestObservationContext context) {
		return KeyValues.of(Keys.REGISTRATION.withValue(context.registrationId()),
				Keys.GRANT.withValue(context.grant()), Keys.OUTCOME.withValue(context.outcome().value()),
				Keys.ERROR.withValue(context.errorCode()));
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof TokenRequestObservationContext;
	}

}

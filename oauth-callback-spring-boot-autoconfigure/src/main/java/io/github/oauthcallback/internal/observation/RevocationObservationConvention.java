package io.github.oauthcallback.internal.observation;

import io.github.oauthcallback.internal.observation.OAuthCallbackObservationDocumentation.Keys;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The default convention of {@code oauth.callback.revocation}. An application changes it with a
 * {@code GlobalObservationConvention<RevocationObservationContext>} registered on its {@code ObservationRegistry}.
 */
public class RevocationObservationConvention implements ObservationConvention<RevocationObservationContext> {

	/** The observation name. */
	public static final String NAME = "oauth.callback.revocation";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(RevocationObservationContext context) {
		return "oauth-callback revoke " + context.tokenType();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(RevocationObservationContext context) {
		return KeyValues.of(Keys.REGISTRATION.withValue(context.registrationId()),
				Keys.TOKEN_TYPE.withValue(context.tokenType()), Keys.OUTCOME.withValue(context.outcome().value()),
				Keys.ERROR.withValue(context.errorCode()));
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof RevocationObservationContext;
	}

}

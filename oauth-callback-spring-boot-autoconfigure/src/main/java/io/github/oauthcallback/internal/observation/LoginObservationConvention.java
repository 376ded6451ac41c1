package io.github.oauthcallback.internal.observation;

import io.github.oauthcallback.internal.observation.OAuthCallbackObservationDocumentation.Keys;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The default convention of {@code oauth.callback.login}. An application changes it with a
 * {@code GlobalObservationConvention<LoginObservationContext>} registered on its {@code ObservationRegistry}.
 */
public class LoginObservationConvention implements ObservationConvention<LoginObservationContext> {

	/** The observation name. */
	public static final String NAME = "oauth.callback.login";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(LoginObservationContext context) {
		return "oauth-callback login";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(LoginObservationContext context) {
		return KeyValues.of(Keys.REGISTRATION.withValue(context.registrationId()),
				Keys.GRANT.withValue(context.grant()), Keys.LOGIN_WAY.withValue(context.way()),
				Keys.OUTCOME.withValue(context.outcome().value()), Keys.ERROR.withValue(context.errorCode()));
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof LoginObservationContext;
	}

}

package io.github.oauthcallback.internal.observation;

import io.github.oauthcallback.internal.observation.OAuthCallbackObservationDocumentation.Keys;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The default convention of {@code oauth.callback.refresh}. An application changes it with a
 * {@code GlobalObservationConvention<RefreshObservationContext>} registered on its {@code ObservationRegistry}.
 */
public class RefreshObservationConvention implements ObservationConvention<RefreshObservationContext> {

	/** The observation name. */
	public static final String NAME = "oauth.callback.refresh";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(RefreshObservationContext context) {
		return "oauth-callback refresh";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(RefreshObservationContext context) {
		return KeyValues.of(Keys.REGISTRATION.withValue(context.registrationId()),
				Keys.OUTCOME.withValue(context.outcome().value()), Keys.ERROR.withValue(context.errorCode()));
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof RefreshObservationContext;
	}

}

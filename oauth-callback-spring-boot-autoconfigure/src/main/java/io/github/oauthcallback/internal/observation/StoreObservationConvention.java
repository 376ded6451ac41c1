package io.github.oauthcallback.internal.observation;

import io.github.oauthcallback.internal.observation.OAuthCallbackObservationDocumentation.Keys;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The default convention of {@code oauth.callback.store}. An application changes it with a
 * {@code GlobalObservationConvention<StoreObservationContext>} registered on its {@code ObservationRegistry}.
 */
public class StoreObservationConvention implements ObservationConvention<StoreObservationContext> {

	/** The observation name. */
	public static final String NAME = "oauth.callback.store";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(StoreObservationContext context) {
		return "oauth-callback store " + context.operation().value();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(StoreObservationContext context) {
		return KeyValues.of(Keys.REGISTRATION.withValue(context.registrationId()),
				Keys.STORE_TYPE.withValue(context.storeType()), Keys.OPERATION.withValue(context.operation().value()),
				Keys.OUTCOME.withValue(context.outcome().value()));
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof StoreObservationContext;
	}

}

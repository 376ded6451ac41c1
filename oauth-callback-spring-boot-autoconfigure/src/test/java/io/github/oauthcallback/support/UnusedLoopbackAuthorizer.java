package io.github.oauthcallback.support;

import java.util.concurrent.CompletableFuture;

import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * A user-defined {@link LoopbackAuthorizer} for auto-configuration tests that only check which bean is used: it is
 * never asked to log in.
 */
public final class UnusedLoopbackAuthorizer implements LoopbackAuthorizer {

	@Override
	public @Nullable OAuth2AuthorizedClient authorize(String registrationId, AuthorizationOptions options) {
		return null;
	}

	@Override
	public @Nullable CompletableFuture<OAuth2AuthorizedClient> authorizeAsync(String registrationId,
			AuthorizationOptions options) {
		return null;
	}

}

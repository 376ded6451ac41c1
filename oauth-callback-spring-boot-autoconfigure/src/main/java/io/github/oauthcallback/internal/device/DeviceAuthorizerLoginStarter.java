package io.github.oauthcallback.internal.device;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.authorize.DeviceAuthorizer;
import io.github.oauthcallback.internal.authorize.DeviceLoginStarter;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;

/**
 * Runs the logins that {@code oauth-callback.login.mode=device}, or {@code auto} where no browser can be used, hands
 * to the device authorization grant, with a {@link DeviceAuthorizer}: a registration qualifies when its provider has a
 * device authorization endpoint (the configured one or the one of its discovery metadata), whatever its grant type.
 *
 * @param device the device login
 */
public record DeviceAuthorizerLoginStarter(DeviceAuthorizer device) implements DeviceLoginStarter {

	public DeviceAuthorizerLoginStarter {
		Objects.requireNonNull(device, "device must not be null");
	}

	@Override
	public boolean supports(ClientRegistration registration) {
		return this.device.supports(registration.getRegistrationId());
	}

	@Override
	public CompletableFuture<OAuth2AuthorizedClient> start(ClientRegistration registration,
			AuthorizationOptions options) {
		return this.device.authorizeAsync(registration.getRegistrationId(), options);
	}

}

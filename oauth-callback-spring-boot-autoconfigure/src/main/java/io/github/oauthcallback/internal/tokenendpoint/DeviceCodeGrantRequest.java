package io.github.oauthcallback.internal.tokenendpoint;

import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.util.Assert;

/**
 * A token request of the device authorization grant (RFC 8628 section 3.4): the device code a device authorization
 * request returned, exchanged at the token endpoint once the user has approved it. Spring Security 7.1 has the
 * grant type and the device authorization response, but no grant request or token client for it.
 */
public final class DeviceCodeGrantRequest extends AbstractOAuth2AuthorizationGrantRequest {

	private final String deviceCode;

	/**
	 * @param registration the client registration
	 * @param deviceCode the device code (a secret: never logged or shown)
	 */
	public DeviceCodeGrantRequest(ClientRegistration registration, String deviceCode) {
		super(AuthorizationGrantType.DEVICE_CODE, registration);
		Assert.hasText(deviceCode, "deviceCode cannot be empty");
		this.deviceCode = deviceCode;
	}

	/**
	 * @return the device code
	 */
	public String getDeviceCode() {
		return this.deviceCode;
	}

	@Override
	public String toString() {
		return "DeviceCodeGrantRequest[registration=" + getClientRegistration().getRegistrationId() + "]";
	}

}

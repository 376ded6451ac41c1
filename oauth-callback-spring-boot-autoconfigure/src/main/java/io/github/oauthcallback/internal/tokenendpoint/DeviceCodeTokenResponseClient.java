package io.github.oauthcallback.internal.tokenendpoint;

import io.github.oauthcallback.internal.Causes;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointErrorHandler.TokenEndpointStatusException;

import org.springframework.security.oauth2.client.endpoint.DefaultOAuth2TokenRequestHeadersConverter;
import org.springframework.security.oauth2.client.endpoint.DefaultOAuth2TokenRequestParametersConverter;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Sends one device-code token request (RFC 8628 section 3.4) through a {@link RestClient} of
 * {@link TokenEndpointClients}: Spring Security's parameters and headers for the registration's client
 * authentication ({@code client_id} in the body for a public client, Basic or form-body secret otherwise), the
 * {@code device_code} parameter, and the form body redacted in its {@code toString()}. The answer is read by
 * Spring's token response converter; an error answer, whatever its status and also a 200 answer whose body is an
 * OAuth error (GitHub answers {@code authorization_pending} so), is thrown as an {@link OAuth2AuthorizationException}
 * whose error code is the provider's, so the poller can tell {@code authorization_pending} from {@code slow_down}.
 */
final class DeviceCodeTokenResponseClient implements OAuth2AccessTokenResponseClient<DeviceCodeGrantRequest> {

	static final String INVALID_TOKEN_RESPONSE = "invalid_token_response";

	private final DefaultOAuth2TokenRequestParametersConverter<DeviceCodeGrantRequest> parameters = new DefaultOAuth2TokenRequestParametersConverter<>();

	private final DefaultOAuth2TokenRequestHeadersConverter<DeviceCodeGrantRequest> headers = new DefaultOAuth2TokenRequestHeadersConverter<>();

	private final RestClient restClient;

	private final ResourceIndicators resources;

	DeviceCodeTokenResponseClient(RestClient restClient) {
		this(restClient, ResourceIndicators.none());
	}

	DeviceCodeTokenResponseClient(RestClient restClient, ResourceIndicators resources) {
		this.restClient = restClient;
		this.resources = resources;
	}

	@Override
	public OAuth2AccessTokenResponse getTokenResponse(DeviceCodeGrantRequest grantRequest) {
		MultiValueMap<String, String> form = this.parameters.convert(grantRequest);
		form.set(OAuth2ParameterNames.DEVICE_CODE, grantRequest.getDeviceCode());
		form.addAll(this.resources.parameters(grantRequest.getClientRegistration()));
		RedactedForm.redact(form);
		OAuth2AccessTokenResponse response;
		try {
			response = this.restClient.post()
				.uri(grantRequest.getClientRegistration().getProviderDetails().getTokenUri())
				.headers((http) -> http.addAll(this.headers.convert(grantRequest)))
				.body(form)
				.retrieve()
				.body(OAuth2AccessTokenResponse.class);
		}
		catch (RestClientException ex) {
			throw unwrapped(ex, "token response");
		}
		if (response == null) {
			throw new OAuth2AuthorizationException(new OAuth2Error(INVALID_TOKEN_RESPONSE,
					"The token endpoint answered the device code request with an empty body", null));
		}
		return response;
	}

	/**
	 * The provider's error answer, when the failure carries one (also from inside a converter), else an
	 * {@code invalid_token_response} that chains the failure, so an I/O cause (which carries no body) stays visible
	 * to {@link TokenEndpointFailure}. Spring's message, which may quote the body, is not copied.
	 */
	static OAuth2AuthorizationException unwrapped(RuntimeException failure, String what) {
		TokenEndpointStatusException answer = Causes.find(failure, TokenEndpointStatusException.class);
		if (answer != null) {
			return answer;
		}
		return new OAuth2AuthorizationException(new OAuth2Error(INVALID_TOKEN_RESPONSE,
				"No usable " + what + " (" + failure.getClass().getSimpleName() + ")", null), failure);
	}

}

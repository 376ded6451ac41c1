package io.github.oauthcallback.internal.tokenendpoint;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.DefaultOAuth2TokenRequestHeadersConverter;
import org.springframework.security.oauth2.client.endpoint.DefaultOAuth2TokenRequestParametersConverter;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2DeviceAuthorizationResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2DeviceAuthorizationResponseHttpMessageConverter;
import org.springframework.util.MultiValueMap;
import org.springframework.util.StringUtils;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Sends the device authorization request of RFC 8628 (section 3.1) through a {@link RestClient} of
 * {@link TokenEndpointClients} (timeouts, Spring Boot's HTTP client settings, no redirects): the registration's
 * client authentication as at the token endpoint ({@code client_id} in the body for a public client) and the
 * scopes, asking for JSON (GitHub answers form-encoded otherwise). The answer is read with Spring Security's
 * {@link OAuth2DeviceAuthorizationResponseHttpMessageConverter}, which also accepts {@code verification_url} (as
 * Google names it) for {@code verification_uri}; an error answer is thrown as an {@link OAuth2AuthorizationException}
 * with the provider's error code, its status and {@code Retry-After} (see {@link TokenEndpointFailure}). The
 * {@code RestClient} and the converter are created on the first request.
 */
public final class DeviceAuthorizationClient {

	private static final String VERIFICATION_URL = "verification_url";

	private static final Set<String> KNOWN = Set.of(OAuth2ParameterNames.DEVICE_CODE, OAuth2ParameterNames.USER_CODE,
			OAuth2ParameterNames.VERIFICATION_URI, VERIFICATION_URL, OAuth2ParameterNames.VERIFICATION_URI_COMPLETE,
			OAuth2ParameterNames.EXPIRES_IN, OAuth2ParameterNames.INTERVAL);

	private final TokenEndpointErrorHandler errors = new TokenEndpointErrorHandler();

	private final DefaultOAuth2TokenRequestParametersConverter<ClientOnly> parameters = new DefaultOAuth2TokenRequestParametersConverter<>();

	private final DefaultOAuth2TokenRequestHeadersConverter<ClientOnly> headers = new DefaultOAuth2TokenRequestHeadersConverter<>();

	private final SingletonSupplier<RestClient> restClient;

	private final ResourceIndicators resources;

	private final SingletonSupplier<OAuth2DeviceAuthorizationResponseHttpMessageConverter> converter = SingletonSupplier
		.of(DeviceAuthorizationClient::converter);

	/**
	 * @param restClient creates the {@code RestClient}, once, on the first request; usually one of
	 * {@link TokenEndpointClients#restClient}
	 */
	public DeviceAuthorizationClient(Supplier<RestClient> restClient) {
		this(restClient, ResourceIndicators.none());
	}

	/**
	 * @param restClient creates the {@code RestClient}, once, on the first request; usually one of
	 * {@link TokenEndpointClients#restClient}
	 * @param resources the RFC 8707 {@code resource} of each registration, sent with its requests
	 */
	public DeviceAuthorizationClient(Supplier<RestClient> restClient, ResourceIndicators resources) {
		this.restClient = SingletonSupplier.of(restClient);
		this.resources = resources;
	}

	/**
	 * Asks for a device code and a user code.
	 * @param registration the client registration (its client id and authentication)
	 * @param endpoint the provider's device authorization endpoint
	 * @param scopes the scopes to ask for; none sends no {@code scope}
	 * @return the provider's answer; its device code is a secret
	 * @throws OAuth2AuthorizationException if the endpoint refused the request, could not be reached, or gave no
	 * usable answer
	 */
	public OAuth2DeviceAuthorizationResponse authorize(ClientRegistration registration, URI endpoint,
			Set<String> scopes) {
		ClientOnly client = new ClientOnly(registration);
		MultiValueMap<String, String> form = this.parameters.convert(client);
		// RFC 8628 section 3.1 has no grant_type: client authentication, client_id and scope only.
		form.remove(OAuth2ParameterNames.GRANT_TYPE);
		if (!scopes.isEmpty()) {
			form.set(OAuth2ParameterNames.SCOPE, String.join(" ", scopes));
		}
		form.addAll(this.resources.parameters(registration));
		RedactedForm.redact(form);
		try {
			return this.restClient.obtain()
				.post()
				.uri(endpoint)
				.headers((http) -> http.addAll(this.headers.convert(client)))
				.body(form)
				.exchange((request, response) -> {
					if (this.errors.hasError(response)) {
						this.errors.handleError(endpoint, HttpMethod.POST, response);
					}
					return this.converter.obtain().read(OAuth2DeviceAuthorizationResponse.class, response);
				});
		}
		catch (RestClientException | HttpMessageNotReadableException ex) {
			throw DeviceCodeTokenResponseClient.unwrapped(ex, "device authorization response");
		}
	}

	private static OAuth2DeviceAuthorizationResponseHttpMessageConverter converter() {
		OAuth2DeviceAuthorizationResponseHttpMessageConverter converter = new OAuth2DeviceAuthorizationResponseHttpMessageConverter();
		// Spring's converter declares no media type of its own (it is written for the server side).
		converter.setSupportedMediaTypes(List.of(MediaType.APPLICATION_JSON, new MediaType("application", "*+json")));
		converter.setDeviceAuthorizationResponseConverter(DeviceAuthorizationClient::response);
		return converter;
	}

	/**
	 * The answer's parameters as a response; a missing required one is named (never a value) in the failure.
	 */
	static OAuth2DeviceAuthorizationResponse response(Map<String, Object> parameters) {
		String verificationUri = text(parameters, OAuth2ParameterNames.VERIFICATION_URI);
		if (verificationUri == null) {
			verificationUri = text(parameters, VERIFICATION_URL);
		}
		long expiresIn = number(parameters, OAuth2ParameterNames.EXPIRES_IN);
		String deviceCode = required(parameters, OAuth2ParameterNames.DEVICE_CODE);
		String userCode = required(parameters, OAuth2ParameterNames.USER_CODE);
		if (verificationUri == null) {
			throw new IllegalArgumentException("The answer has no verification_uri");
		}
		if (expiresIn <= 0) {
			throw new IllegalArgumentException("The answer has no positive expires_in");
		}
		Map<String, Object> additional = new HashMap<>(parameters);
		additional.keySet().removeAll(KNOWN);
		return OAuth2DeviceAuthorizationResponse.with(deviceCode, userCode)
			.verificationUri(verificationUri)
			.verificationUriComplete(text(parameters, OAuth2ParameterNames.VERIFICATION_URI_COMPLETE))
			.expiresIn(expiresIn)
			.interval(Math.max(0, number(parameters, OAuth2ParameterNames.INTERVAL)))
			.additionalParameters(additional)
			.build();
	}

	private static String required(Map<String, Object> parameters, String name) {
		String value = text(parameters, name);
		if (value == null) {
			throw new IllegalArgumentException("The answer has no " + name);
		}
		return value;
	}

	private static @Nullable String text(Map<String, Object> parameters, String name) {
		Object value = parameters.get(name);
		return (value != null && StringUtils.hasText(value.toString())) ? value.toString() : null;
	}

	/** A number, also when sent as text; 0 when absent or unreadable. */
	private static long number(Map<String, Object> parameters, String name) {
		Object value = parameters.get(name);
		if (value instanceof Number number) {
			return number.longValue();
		}
		try {
			return (value != null) ? Long.parseLong(value.toString().trim()) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/**
	 * Only the client of a request, for Spring Security's parameters and headers converters, which authenticate
	 * the client as at the token endpoint.
	 */
	private static final class ClientOnly extends AbstractOAuth2AuthorizationGrantRequest {

		ClientOnly(ClientRegistration registration) {
			super(AuthorizationGrantType.DEVICE_CODE, registration);
		}

	}

}

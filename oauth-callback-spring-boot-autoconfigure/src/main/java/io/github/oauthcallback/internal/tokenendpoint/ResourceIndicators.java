package io.github.oauthcallback.internal.tokenendpoint;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * Says for which resource (RFC 8707 resource indicator) the tokens of a registration are requested: the value of the
 * {@code resource} parameter the starter sends on the authorization request, the code exchange, every refresh, and
 * the device authorization and device token requests of that registration. Spring Security sends none (its issue
 * 16605); the token clients of {@link TokenResponseClients} add it through their parameters converters. An MCP server's
 * registration says its canonical server URI; other registrations say the configured
 * {@code oauth-callback.registrations.<id>.resource}, or nothing.
 */
@FunctionalInterface
public interface ResourceIndicators {

	/** The name of the parameter (RFC 8707 section 2). */
	String PARAMETER = "resource";

	/**
	 * @param registration a client registration
	 * @return the resource its tokens are for, or {@code null} to send no {@code resource} parameter
	 */
	@Nullable URI resource(ClientRegistration registration);

	/**
	 * @param registration a client registration
	 * @return the {@code resource} parameter for its requests, or an empty map
	 */
	default MultiValueMap<String, String> parameters(ClientRegistration registration) {
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
		URI resource = resource(registration);
		if (resource != null) {
			parameters.set(PARAMETER, resource.toString());
		}
		return parameters;
	}

	/**
	 * @return indicators that send no {@code resource} for any registration
	 */
	static ResourceIndicators none() {
		return (registration) -> null;
	}

	/**
	 * @param resources resources by registration id
	 * @return indicators that say the given resource of a registration
	 */
	static ResourceIndicators byRegistrationId(Map<String, URI> resources) {
		Map<String, URI> copy = Map.copyOf(resources);
		return (registration) -> copy.get(registration.getRegistrationId());
	}

	/**
	 * @param indicators the indicators to ask, in order, each time (so that beans created later take part)
	 * @return indicators that say what the first one that knows the registration says
	 */
	static ResourceIndicators firstOf(Supplier<? extends Stream<? extends ResourceIndicators>> indicators) {
		Objects.requireNonNull(indicators, "indicators must not be null");
		return (registration) -> indicators.get()
			.map((candidate) -> candidate.resource(registration))
			.filter(Objects::nonNull)
			.findFirst()
			.orElse(null);
	}

	/**
	 * @param indicators the indicators to ask, in order
	 * @return indicators that say what the first one that knows the registration says
	 */
	static ResourceIndicators firstOf(List<? extends ResourceIndicators> indicators) {
		List<? extends ResourceIndicators> copy = List.copyOf(indicators);
		return firstOf(copy::stream);
	}

}

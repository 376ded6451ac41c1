package io.github.oauthcallback.internal.tokenendpoint;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.oauthcallback.internal.ClientWireLogging;
import io.github.oauthcallback.internal.JdkHttpLogging;
import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.http.ProviderRestClients;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointErrorHandler.TokenEndpointStatusException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.endpoint.AbstractRestClientOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.DefaultMapOAuth2AccessTokenResponseConverter;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;

/**
 * The {@link RestClient} for token endpoints: a new {@code RestClient.Builder} with the application's HTTP client
 * (Spring Boot's request factory builder, HTTP client settings and observations, so SSL bundles and
 * {@code http.client.requests} apply, but never the application's {@code RestClient} customizers; see
 * {@link ProviderRestClients}) with the starter's connect and read timeouts, no redirects, only
 * the form and token-response converters, and OAuth error mapping for every error status. It carries no bearer-token
 * interceptor. {@link #configure} sets up one of Spring Security's token response clients with it;
 * {@link TokenResponseClients} builds them for each grant.
 */
public final class TokenEndpointClients {

	private TokenEndpointClients() {
	}

	/**
	 * @param connectTimeout the connect timeout
	 * @param readTimeout the read timeout
	 * @return a new client for token endpoint calls
	 */
	public static RestClient restClient(Duration connectTimeout, Duration readTimeout) {
		return restClient(connectTimeout, readTimeout, null);
	}

	/**
	 * @param connectTimeout the connect timeout
	 * @param readTimeout the read timeout
	 * @param lifetimeWhenUnknown the lifetime given to an access token whose response has no {@code expires_in}
	 * (instead of Spring Security's one second), or {@code null} to keep Spring's behaviour
	 * @return a new client for token endpoint calls
	 */
	public static RestClient restClient(Duration connectTimeout, Duration readTimeout,
			@Nullable Duration lifetimeWhenUnknown) {
		return restClient(ClientHttpRequestFactoryBuilder.detect(), HttpClientSettings.defaults(), connectTimeout,
				readTimeout, lifetimeWhenUnknown);
	}

	/**
	 * A client built with the application's HTTP client settings (Spring Boot's {@code spring.http.clients.*}: SSL
	 * bundle, factory, ...), with these timeouts and without following redirects.
	 * @param factories builds the request factory (Spring Boot's {@code ClientHttpRequestFactoryBuilder} bean)
	 * @param base the application's HTTP client settings (Spring Boot's {@code HttpClientSettings} bean)
	 * @param connectTimeout the connect timeout
	 * @param readTimeout the read timeout
	 * @param lifetimeWhenUnknown the lifetime given to an access token whose response has no {@code expires_in}, or
	 * {@code null} to keep Spring's behaviour
	 * @return a new client for token endpoint calls
	 */
	public static RestClient restClient(ClientHttpRequestFactoryBuilder<?> factories, HttpClientSettings base,
			Duration connectTimeout, Duration readTimeout, @Nullable Duration lifetimeWhenUnknown) {
		return restClient(ProviderRestClients.of(() -> factories, () -> base), connectTimeout,
				readTimeout, lifetimeWhenUnknown);
	}

	/**
	 * A client built from a new {@code RestClient.Builder} (none of the application's customizers, interceptors or
	 * status handlers sees the secrets of a token request) with Spring Boot's HTTP client observations and HTTP client settings ({@code spring.http.clients.*}: SSL bundle,
	 * client library), with these timeouts, without following redirects (a token request is not sent again to
	 * another address), with only the form and token-response converters and OAuth error mapping for every error
	 * status.
	 * @param clients where the builder and settings come from
	 * @param connectTimeout the connect timeout
	 * @param readTimeout the read timeout
	 * @param lifetimeWhenUnknown the lifetime given to an access token whose response has no {@code expires_in}, or
	 * {@code null} to keep Spring's behaviour
	 * @return a new client for token endpoint calls
	 */
	public static RestClient restClient(ProviderRestClients clients, Duration connectTimeout, Duration readTimeout,
			@Nullable Duration lifetimeWhenUnknown) {
		JdkHttpLogging.holdAtInfo();
		ClientWireLogging.holdAtInfo();
		return clients.builder(connectTimeout, readTimeout, HttpRedirects.DONT_FOLLOW)
			.messageConverters(List.of(new FormHttpMessageConverter(), tokenResponseConverter(lifetimeWhenUnknown)))
			.defaultStatusHandler(new TokenEndpointErrorHandler())
			.build();
	}

	/**
	 * Sets up one of Spring Security's token response clients: it sends its requests through {@code restClient},
	 * and the form body it writes keeps the values of its parameters out of its {@code toString()} (all but
	 * {@code grant_type}, {@code client_id}, {@code redirect_uri} and {@code scope}), so Spring's {@code RestClient},
	 * which logs the body it writes at DEBUG and TRACE, logs no authorization code, PKCE verifier, client secret or
	 * refresh token. This takes the client's parameters customizer.
	 * @param <C> the client type
	 * @param client a new token response client
	 * @param restClient the {@code RestClient} to send its requests through, usually one of {@link #restClient}
	 * @return {@code client}
	 */
	public static <C extends AbstractRestClientOAuth2AccessTokenResponseClient<?>> C configure(C client,
			RestClient restClient) {
		client.setRestClient(restClient);
		client.setParametersCustomizer(RedactedForm::redact);
		return client;
	}

	private static OAuth2AccessTokenResponseHttpMessageConverter tokenResponseConverter(
			@Nullable Duration lifetimeWhenUnknown) {
		OAuth2AccessTokenResponseHttpMessageConverter converter = new OAuth2AccessTokenResponseHttpMessageConverter();
		DefaultMapOAuth2AccessTokenResponseConverter defaults = new DefaultMapOAuth2AccessTokenResponseConverter();
		converter.setAccessTokenResponseConverter((parameters) -> {
			// Some providers (GitHub) answer an error with 200: it is that error, not a response without a token.
			if (parameters.get(OAuth2ParameterNames.ERROR) != null) {
				throw new TokenEndpointStatusException(cleaned(new OAuth2Error(
						String.valueOf(parameters.get(OAuth2ParameterNames.ERROR)),
						text(parameters.get(OAuth2ParameterNames.ERROR_DESCRIPTION)),
						text(parameters.get(OAuth2ParameterNames.ERROR_URI)))), 200, null);
			}
			if (lifetimeWhenUnknown != null && parameters.get(OAuth2ParameterNames.EXPIRES_IN) == null) {
				Map<String, Object> completed = new HashMap<>(parameters);
				completed.put(OAuth2ParameterNames.EXPIRES_IN, lifetimeWhenUnknown.toSeconds());
				return defaults.convert(completed);
			}
			return defaults.convert(parameters);
		});
		return converter;
	}

	private static @Nullable String text(@Nullable Object value) {
		return (value != null) ? value.toString() : null;
	}

	/**
	 * Reads a {@code Retry-After} header.
	 * @param value the header: seconds, or an HTTP date
	 * @param clock the clock, for a date
	 * @return how long to wait ({@link Duration#ZERO} for a date in the past), or {@code null} if there is no usable
	 * value
	 */
	static @Nullable Duration retryAfter(@Nullable String value, Clock clock) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String trimmed = value.trim();
		try {
			long seconds = Long.parseLong(trimmed);
			return (seconds >= 0) ? Duration.ofSeconds(seconds) : null;
		}
		catch (NumberFormatException ex) {
			// an HTTP date, or nothing usable
		}
		try {
			Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			Duration wait = Duration.between(clock.instant(), at);
			return wait.isNegative() ? Duration.ZERO : wait;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/**
	 * Reads the OAuth 2.0 error of a token endpoint's error answer (RFC 6749 section 5.2), whatever its status.
	 * @param response the answer
	 * @return the error, or {@code null} if the body is not JSON or holds no error
	 */
	static @Nullable OAuth2Error oauthError(ClientHttpResponse response) {
		try {
			MediaType type = response.getHeaders().getContentType();
			if (type == null
					|| !(MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json"))) {
				return null;
			}
			return cleaned(ERRORS.read(OAuth2Error.class, response));
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	private static final OAuth2ErrorHttpMessageConverter ERRORS = new OAuth2ErrorHttpMessageConverter();

	/**
	 * The error as it may be shown to a user: its code, description and URI without control characters or escape
	 * sequences ({@link SafeText#providerText}), so a provider's answer cannot rewrite the user's terminal.
	 */
	private static OAuth2Error cleaned(OAuth2Error error) {
		String code = SafeText.providerText(error.getErrorCode());
		return new OAuth2Error(StringUtils.hasText(code) ? code : "invalid_token_response",
				SafeText.providerText(error.getDescription()), SafeText.providerText(error.getUri()));
	}

}

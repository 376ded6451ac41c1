package io.github.oauthcallback.authorize;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.web.client.RestClient;

/**
 * The {@link RestClient} for token endpoints: Boot's detected HTTP client with connect and read timeouts, no
 * redirects, only the form and token-response converters, and OAuth error mapping for every error status. It carries
 * no bearer-token interceptor.
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
		HttpClientSettings settings = HttpClientSettings.defaults()
			.withTimeouts(connectTimeout, readTimeout)
			.withRedirects(HttpRedirects.DONT_FOLLOW);
		return RestClient.builder()
			.requestFactory(ClientHttpRequestFactoryBuilder.detect().build(settings))
			.messageConverters(List.of(new FormHttpMessageConverter(), new OAuth2AccessTokenResponseHttpMessageConverter()))
			.defaultStatusHandler(new TokenEndpointErrorHandler())
			.build();
	}

}

package io.github.oauthcallback.internal.http;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Where the {@link RestClient}s of provider calls come from: a clone of the application's {@code RestClient.Builder}
 * (Spring Boot's, so that its {@code RestClientCustomizer}s apply: HTTP client observations, the application's
 * interceptors and headers), or a new builder without one, with a request factory from the application's
 * {@code ClientHttpRequestFactoryBuilder} and {@code spring.http.clients.*} settings (SSL bundle, redirects,
 * timeouts; the proxy of the HTTP client library) and the timeouts and redirect rule of the call.
 * <p>
 * The sources are asked only when a client is built (each provider call builds its client on first use): a run
 * that makes no provider call creates no HTTP client.
 */
public final class ProviderRestClients {

	private final Supplier<RestClient.@Nullable Builder> builders;

	private final Supplier<ClientHttpRequestFactoryBuilder<?>> factories;

	private final Supplier<HttpClientSettings> settings;

	/**
	 * @param builders gives the application's {@code RestClient.Builder} (Spring Boot's bean), or {@code null}
	 * without one; it is cloned, never changed
	 * @param factories gives the request factory builder (Spring Boot's bean, or
	 * {@code ClientHttpRequestFactoryBuilder.detect()})
	 * @param settings gives the HTTP client settings (Spring Boot's bean, or {@code HttpClientSettings.defaults()})
	 */
	public ProviderRestClients(Supplier<RestClient.@Nullable Builder> builders,
			Supplier<ClientHttpRequestFactoryBuilder<?>> factories, Supplier<HttpClientSettings> settings) {
		this.builders = Objects.requireNonNull(builders, "builders must not be null");
		this.factories = Objects.requireNonNull(factories, "factories must not be null");
		this.settings = Objects.requireNonNull(settings, "settings must not be null");
	}

	/**
	 * @return clients without an application: a new {@code RestClient.Builder}, the detected HTTP client library and
	 * default settings
	 */
	public static ProviderRestClients defaults() {
		return new ProviderRestClients(() -> null, ClientHttpRequestFactoryBuilder::detect,
				HttpClientSettings::defaults);
	}

	/**
	 * @return the application's HTTP client settings
	 */
	public HttpClientSettings settings() {
		return this.settings.get();
	}

	/**
	 * A builder for one kind of provider call.
	 * @param connectTimeout the connect timeout, or {@code null} for that of the settings
	 * @param readTimeout the read timeout, or {@code null} for that of the settings
	 * @param redirects how redirects are followed, or {@code null} for the rule of the settings
	 * @return a new builder (a clone of the application's, if any) whose request factory has the settings with
	 * these timeouts and redirect rule
	 */
	public RestClient.Builder builder(@Nullable Duration connectTimeout, @Nullable Duration readTimeout,
			@Nullable HttpRedirects redirects) {
		HttpClientSettings base = settings();
		HttpClientSettings call = base
			.withTimeouts((connectTimeout != null) ? connectTimeout : base.connectTimeout(),
					(readTimeout != null) ? readTimeout : base.readTimeout())
			.withRedirects((redirects != null) ? redirects : base.redirects());
		RestClient.Builder application = this.builders.get();
		RestClient.Builder builder = (application != null) ? application.clone() : RestClient.builder();
		ClientHttpRequestFactoryBuilder<?> factory = this.factories.get();
		return builder.requestFactory(new LazyRequestFactory(() -> factory.build(call)));
	}

	/**
	 * Builds the real request factory on the first request. A client that is built but not used (a run that finds a
	 * valid stored token) never pays for an HTTP client: TLS set-up, and with the JDK client a selector thread.
	 */
	static final class LazyRequestFactory implements ClientHttpRequestFactory {

		private final Supplier<ClientHttpRequestFactory> creator;

		private volatile @Nullable ClientHttpRequestFactory delegate;

		LazyRequestFactory(Supplier<ClientHttpRequestFactory> creator) {
			this.creator = creator;
		}

		@Override
		public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
			return delegate().createRequest(uri, httpMethod);
		}

		boolean created() {
			return this.delegate != null;
		}

		private ClientHttpRequestFactory delegate() {
			ClientHttpRequestFactory factory = this.delegate;
			if (factory == null) {
				synchronized (this) {
					factory = this.delegate;
					if (factory == null) {
						factory = this.creator.get();
						this.delegate = factory;
					}
				}
			}
			return factory;
		}

	}

}

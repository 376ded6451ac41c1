package io.github.oauthcallback.internal.http;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.observation.ClientRequestObservationConvention;
import org.springframework.web.client.RestClient;

/**
 * Where the {@link RestClient}s of provider calls come from: always a new {@code RestClient.builder()}, never the
 * application's {@code RestClient.Builder}, so that no {@code RestClientCustomizer}, interceptor, default header or
 * status handler of the application sees a request that carries a client secret, a code, a verifier or a token, or
 * is sent with it to the provider (ADR 0013). What the application's set-up does bring: Spring Boot's
 * {@code ObservationRegistry} and {@code ClientRequestObservationConvention} beans (so Boot's
 * {@code http.client.requests} observations record provider calls), and a request factory from its
 * {@code ClientHttpRequestFactoryBuilder} and {@code spring.http.clients.*} settings (SSL bundle, timeouts; the
 * proxy of the HTTP client library), with the timeouts and redirect rule of the call.
 * <p>
 * The sources are asked only when a client is built (each provider call builds its client on first use): a run
 * that makes no provider call creates no HTTP client.
 */
public final class ProviderRestClients {

	private final Supplier<@Nullable ObservationRegistry> observations;

	private final Supplier<@Nullable ClientRequestObservationConvention> conventions;

	private final Supplier<ClientHttpRequestFactoryBuilder<?>> factories;

	private final Supplier<HttpClientSettings> settings;

	/**
	 * @param observations gives the application's {@code ObservationRegistry} (Spring Boot's bean), or {@code null}
	 * without one (no observations)
	 * @param conventions gives the application's {@code ClientRequestObservationConvention} bean, or {@code null} for
	 * Spring's default one ({@code http.client.requests})
	 * @param factories gives the request factory builder (Spring Boot's bean, or
	 * {@code ClientHttpRequestFactoryBuilder.detect()})
	 * @param settings gives the HTTP client settings (Spring Boot's bean, or {@code HttpClientSettings.defaults()})
	 */
	public ProviderRestClients(Supplier<@Nullable ObservationRegistry> observations,
			Supplier<@Nullable ClientRequestObservationConvention> conventions,
			Supplier<ClientHttpRequestFactoryBuilder<?>> factories, Supplier<HttpClientSettings> settings) {
		this.observations = Objects.requireNonNull(observations, "observations must not be null");
		this.conventions = Objects.requireNonNull(conventions, "conventions must not be null");
		this.factories = Objects.requireNonNull(factories, "factories must not be null");
		this.settings = Objects.requireNonNull(settings, "settings must not be null");
	}

	/**
	 * @return clients without an application: no observations, the detected HTTP client library and default
	 * settings
	 */
	public static ProviderRestClients defaults() {
		return of(ClientHttpRequestFactoryBuilder::detect, HttpClientSettings::defaults);
	}

	/**
	 * @param factories gives the request factory builder
	 * @param settings gives the HTTP client settings
	 * @return clients without observations
	 */
	public static ProviderRestClients of(Supplier<ClientHttpRequestFactoryBuilder<?>> factories,
			Supplier<HttpClientSettings> settings) {
		return new ProviderRestClients(() -> null, () -> null, factories, settings);
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
	 * @return a new builder (never the application's: none of its customizers applies) with the application's
	 * observation registry and convention, whose request factory has the settings with these timeouts and redirect
	 * rule
	 */
	public RestClient.Builder builder(@Nullable Duration connectTimeout, @Nullable Duration readTimeout,
			@Nullable HttpRedirects redirects) {
		HttpClientSettings base = settings();
		HttpClientSettings call = base
			.withTimeouts((connectTimeout != null) ? connectTimeout : base.connectTimeout(),
					(readTimeout != null) ? readTimeout : base.readTimeout())
			.withRedirects((redirects != null) ? redirects : base.redirects());
		RestClient.Builder builder = RestClient.builder();
		ObservationRegistry registry = this.observations.get();
		if (registry != null) {
			builder.observationRegistry(registry);
			ClientRequestObservationConvention convention = this.conventions.get();
			if (convention != null) {
				builder.observationConvention(convention);
			}
		}
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

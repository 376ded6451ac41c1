package io.github.oauthcallback.internal.discovery;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.github.oauthcallback.ProviderDiscoveryException;
import io.github.oauthcallback.internal.Causes;
import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.http.ProviderRestClients;
import io.github.oauthcallback.internal.http.TlsFailures;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties.Provider;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties.Registration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientPropertiesMapper;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Maps {@code spring.security.oauth2.client.*} to registrations as Spring Boot's {@link OAuth2ClientPropertiesMapper}
 * does, except that a provider given by {@code issuer-uri} is discovered once per provider (not once per
 * registration) and then taken from a {@link DiscoveryCache} until its time to live ends. When the provider cannot be
 * reached, does not answer in time or answers with a server error, older cached metadata stands in, with a warning.
 * The discovery itself reads the addresses Spring Security's {@code ClientRegistrations.fromIssuerLocation} reads and
 * builds the same registration ({@link IssuerMetadataDiscovery}), but through the application's
 * {@code RestClient.Builder} and HTTP client settings (SSL bundle, proxy of the client library, timeouts,
 * observations; not the application's {@code RestClient} customizers, and no redirect) rather than Spring Security's
 * own client. It may try three addresses: it runs on a daemon thread that
 * start-up waits for at most the given timeout in all. The registrations are then built by Spring Boot's mapper, with the discovered values
 * standing in for the provider's and registration's properties that are not set, and the issuer and metadata
 * document added: the same registrations as Spring Boot builds when it discovers the provider itself.
 */
public final class CachingClientRegistrationMapper {

	private static final Log logger = LogFactory.getLog(CachingClientRegistrationMapper.class);

	/** Registration id and client id of the throw-away registration discovery is read from. */
	private static final String PROBE = "discovery";

	/**
	 * Grant type of that registration: one with no required endpoint, so that metadata without a token or
	 * authorization endpoint (completed by the provider's properties) is read as Spring Boot reads it.
	 */
	private static final AuthorizationGrantType PROBE_GRANT = new AuthorizationGrantType(
			"urn:io.github.oauthcallback:discovery");

	/**
	 * Provider id a discovered provider is given to Spring Boot's mapper under: not one of Spring Security's
	 * {@code CommonOAuth2Provider}s (such as {@code google}), whose defaults Spring Boot applies to a provider without
	 * an issuer.
	 */
	private static final String DISCOVERED_PROVIDER = "oauth-callback:discovered";

	/** Name of the threads discoveries run on. */
	public static final String THREAD_NAME = "oauth-callback-discovery";

	private final OAuth2ClientProperties properties;

	private final @Nullable DiscoveryCache cache;

	private final Duration timeToLive;

	private final Clock clock;

	private final Duration timeout;

	private final SingletonSupplier<IssuerMetadataDiscovery> discovery;

	/**
	 * @param properties the bound {@code spring.security.oauth2.client} properties
	 * @param cache where discovered metadata is kept
	 * @param timeToLive how long cached metadata is used before the provider is discovered again; zero discovers at
	 * every start and uses the cache only when discovery fails
	 * @param clock the clock the age of cached metadata is measured with
	 * @param timeout how long to wait for one provider's discovery
	 */
	public CachingClientRegistrationMapper(OAuth2ClientProperties properties, DiscoveryCache cache,
			Duration timeToLive, Clock clock, Duration timeout) {
		this(properties, cache, timeToLive, clock, timeout, ProviderRestClients.defaults());
	}

	/**
	 * @param properties the bound {@code spring.security.oauth2.client} properties
	 * @param cache where discovered metadata is kept, or {@code null} to discover every provider at every start
	 * (once per provider) and keep nothing
	 * @param timeToLive how long cached metadata is used before the provider is discovered again; zero discovers at
	 * every start and uses the cache only when discovery fails
	 * @param clock the clock the age of cached metadata is measured with
	 * @param timeout how long to wait for one provider's discovery; also the connect and read timeout of each request
	 * for which the HTTP client settings give none
	 * @param clients the application's {@code RestClient.Builder} and HTTP client settings, asked on the first
	 * discovery (not for a start that finds every provider in the cache)
	 */
	public CachingClientRegistrationMapper(OAuth2ClientProperties properties, @Nullable DiscoveryCache cache,
			Duration timeToLive, Clock clock, Duration timeout, ProviderRestClients clients) {
		this.properties = properties;
		this.cache = cache;
		this.timeToLive = timeToLive;
		this.clock = clock;
		this.timeout = timeout;
		this.discovery = SingletonSupplier.of(() -> new IssuerMetadataDiscovery(restClient(clients, timeout)));
	}

	/**
	 * The client discovery fetches metadata with: the application's settings (SSL bundle, timeouts), with the
	 * discovery timeout as connect and read timeout where they set none, so that no request outlives the wait for it,
	 * and no redirect followed whatever the settings say (a redirect would carry the request to an address nobody
	 * configured; it is reported, {@link #redirected}).
	 */
	private static RestClient restClient(ProviderRestClients clients, Duration timeout) {
		HttpClientSettings settings = clients.settings();
		return clients
			.builder((settings.connectTimeout() != null) ? settings.connectTimeout() : timeout,
					(settings.readTimeout() != null) ? settings.readTimeout() : timeout, HttpRedirects.DONT_FOLLOW)
			.build();
	}

	/**
	 * @return the registrations by id
	 * @throws ProviderDiscoveryException when a provider must be discovered, cannot be, and nothing cached stands in
	 */
	public Map<String, ClientRegistration> asClientRegistrations() {
		Map<String, ClientRegistration> registrations = new HashMap<>();
		OAuth2ClientProperties withoutIssuer = new OAuth2ClientProperties();
		withoutIssuer.getProvider().putAll(this.properties.getProvider());
		Map<String, DiscoveredProvider> discovered = new HashMap<>();
		this.properties.getRegistration().forEach((registrationId, registration) -> {
			String providerId = (registration.getProvider() != null) ? registration.getProvider() : registrationId;
			Provider provider = this.properties.getProvider().get(providerId);
			String issuer = (provider != null) ? provider.getIssuerUri() : null;
			if (provider == null || issuer == null) {
				withoutIssuer.getRegistration().put(registrationId, registration);
				return;
			}
			DiscoveredProvider metadata = discovered.computeIfAbsent(providerId, (id) -> discover(id, issuer));
			registrations.put(registrationId, build(registrationId, registration, provider, metadata));
		});
		registrations.putAll(new OAuth2ClientPropertiesMapper(withoutIssuer).asClientRegistrations());
		return registrations;
	}

	private DiscoveredProvider discover(String providerId, String issuer) {
		DiscoveryCache cache = this.cache;
		Optional<DiscoveredProvider> cached = (cache != null) ? cache.read(providerId, issuer) : Optional.empty();
		Instant now = this.clock.instant();
		if (cache != null && cached.isPresent() && cached.get().isFresh(now, this.timeToLive)) {
			logger.debug("Provider '" + providerId + "' taken from the discovery cache " + cache.file(providerId));
			return cached.get();
		}
		DiscoveredProvider fresh;
		try {
			// Built here, not on the discovery's thread: the application's beans are created on the starting thread.
			IssuerMetadataDiscovery discovery = this.discovery.obtain();
			fresh = DiscoveredProvider.of(withTimeout(() -> discovery.fromIssuerLocation(issuer)
				.registrationId(PROBE)
				.clientId(PROBE)
				.authorizationGrantType(PROBE_GRANT)
				.build()), issuer, now);
		}
		catch (RuntimeException ex) {
			if (cache != null && cached.isPresent() && isUnreachable(ex)) {
				logger.warn("Discovery of provider '" + providerId + "' at " + issuer + " failed ("
						+ SafeText.describe(ex) + "); using its metadata cached at " + cached.get().discoveredAt() + " in "
						+ cache.file(providerId) + ".");
				return cached.get();
			}
			if (ex instanceof IssuerMetadataDiscovery.Redirected redirected) {
				throw redirected(providerId, issuer, redirected);
			}
			if (ex instanceof IssuerMetadataDiscovery.InsecureEndpoint insecure) {
				throw insecure(providerId, issuer, insecure);
			}
			throw new ProviderDiscoveryException(providerId, "Discovery of provider '" + providerId + "' at "
					+ issuer + " failed: " + SafeText.describe(ex) + ". Check spring.security.oauth2.client.provider."
					+ providerId + ".issuer-uri and that the provider can be reached from here through the "
					+ "application's HTTP client settings (spring.http.clients.*: an SSL bundle with a company CA, "
					+ "connect-timeout and read-timeout; a proxy of the HTTP client library, such as the JDK "
					+ "client's https.proxyHost), or give the provider's authorization-uri, token-uri and "
					+ "jwk-set-uri instead of issuer-uri." + TlsFailures.hint(ex) + " "
					+ (cached.isPresent() ? "Its cached metadata was not used, as the provider answered."
							: (cache != null) ? "No earlier discovery of it is cached in " + cache.directory() + "."
									: "The discovery cache is off (oauth-callback.discovery.cache.enabled=false)."),
					ex);
		}
		if (cache != null) {
			cache.write(providerId, fresh);
		}
		return fresh;
	}

	/**
	 * The error for a metadata address answered with a redirect: what was asked, where the provider points (cleaned,
	 * without query), and what to do: configure the final address.
	 */
	private static ProviderDiscoveryException redirected(String providerId, String issuer,
			IssuerMetadataDiscovery.Redirected redirected) {
		String target = redirectTarget(redirected);
		String property = "spring.security.oauth2.client.provider." + providerId + ".issuer-uri";
		String suggestion = (target != null && target.endsWith(WELL_KNOWN_OIDC))
				? " (here probably " + target.substring(0, target.length() - WELL_KNOWN_OIDC.length()) + ")" : "";
		return new ProviderDiscoveryException(providerId, "Discovery of provider '" + providerId + "' at " + issuer
				+ " failed: the provider answered GET " + redirected.address() + " with " + redirected.status()
				+ ", a redirect" + ((target != null) ? " to " + target : " without a Location") + ". Discovery follows "
				+ "no redirect: it would send the request to an address that was not configured. Set " + property
				+ " to the final address, the issuer the provider's metadata names" + suggestion
				+ ", or give the provider's authorization-uri, token-uri and jwk-set-uri instead of issuer-uri.",
				redirected);
	}

	private static final String WELL_KNOWN_OIDC = "/.well-known/openid-configuration";

	/**
	 * @return the absolute address of the redirect, cleaned of control characters, without query or fragment, or
	 * {@code null} if there is no usable {@code Location}
	 */
	private static @Nullable String redirectTarget(IssuerMetadataDiscovery.Redirected redirected) {
		String location = redirected.location();
		if (location == null || location.isBlank()) {
			return null;
		}
		try {
			URI target = URI.create(redirected.address()).resolve(location.trim());
			if (target.getScheme() == null || target.getRawAuthority() == null) {
				return null;
			}
			return SafeText.providerText(new URI(target.getScheme(), target.getRawAuthority(), target.getRawPath(), null,
					null).toString());
		}
		catch (IllegalArgumentException | URISyntaxException ex) {
			return null;
		}
	}

	/**
	 * The error for an {@code https} issuer whose metadata names a plain {@code http} endpoint.
	 */
	private static ProviderDiscoveryException insecure(String providerId, String issuer,
			IssuerMetadataDiscovery.InsecureEndpoint insecure) {
		return new ProviderDiscoveryException(providerId, "Discovery of provider '" + providerId + "' at " + issuer
				+ " failed: its metadata names " + insecure.member() + " " + SafeText.providerText(insecure.endpoint())
				+ ", a plain http address, though the issuer is https; client secrets, codes and tokens would travel "
				+ "unencrypted to it. Check that spring.security.oauth2.client.provider." + providerId
				+ ".issuer-uri is the provider's https issuer and ask the provider to publish https endpoints, or give "
				+ "the provider's https authorization-uri, token-uri and jwk-set-uri instead of issuer-uri.", insecure);
	}

	/**
	 * Runs a discovery on a daemon thread and waits for it at most the timeout. A discovery that takes longer is
	 * left to finish or fail on its own thread (within its connect and read timeouts); the daemon thread does not keep the JVM
	 * alive.
	 */
	private ClientRegistration withTimeout(Supplier<ClientRegistration> discovery) {
		CompletableFuture<ClientRegistration> result = CompletableFuture.supplyAsync(discovery, (task) -> {
			Thread thread = new Thread(task, THREAD_NAME);
			thread.setDaemon(true);
			thread.start();
		});
		try {
			return result.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new ResourceAccessException("no answer within " + this.timeout.toMillis() + " ms "
					+ "(the discovery timeout)");
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime
					: new IllegalStateException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ResourceAccessException("interrupted while waiting for the discovery");
		}
	}

	/**
	 * Builds a registration with Spring Boot's own mapper. What discovery gave stands in for the provider's and the
	 * registration's properties that are not set (set ones win, as when Spring Boot applies them over a discovery);
	 * the issuer is left out, so Spring Boot does not discover again. The two things Spring Boot takes from discovery
	 * alone, the issuer and the metadata document, are then added to what it built.
	 */
	private static ClientRegistration build(String registrationId, Registration registration, Provider provider,
			DiscoveredProvider discovered) {
		Provider explicitProvider = configuredOver(discovered.providerProperties(), provider);
		explicitProvider.setIssuerUri(null);
		Registration explicitRegistration = configuredOver(discovered.registrationProperties(), registration);
		explicitRegistration.setProvider(DISCOVERED_PROVIDER);
		OAuth2ClientProperties explicit = new OAuth2ClientProperties();
		explicit.getProvider().put(DISCOVERED_PROVIDER, explicitProvider);
		explicit.getRegistration().put(registrationId, explicitRegistration);
		ClientRegistration built = new OAuth2ClientPropertiesMapper(explicit).asClientRegistrations().get(registrationId);
		// withClientRegistration copies the scopes into a HashSet: given again, they keep their configured order
		return ClientRegistration.withClientRegistration(built)
			.scope(built.getScopes())
			.issuerUri(discovered.issuer())
			.providerConfigurationMetadata(discovered.metadata())
			.build();
	}

	/**
	 * @param defaults properties holding what discovery gave
	 * @param configured the properties as configured
	 * @return the defaults, with every property that is set in the configured ones (not {@code null}) taken from them
	 */
	private static <T> T configuredOver(T defaults, T configured) {
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(configured.getClass())) {
			Method read = property.getReadMethod();
			Method write = property.getWriteMethod();
			Object value = (read != null && write != null) ? ReflectionUtils.invokeMethod(read, configured) : null;
			if (value != null) {
				ReflectionUtils.invokeMethod(write, defaults, value);
			}
		}
		return defaults;
	}

	/**
	 * The provider could not be reached, did not answer in time, failed (5xx), or something else answered in its
	 * place (a proxy's or captive portal's page): not an answer of the provider that says the configuration is wrong.
	 * Its 4xx answers (Spring then tries the next address and reports them together without a cause), unusable
	 * metadata and another issuer are such answers.
	 */
	private static boolean isUnreachable(Throwable failure) {
		return Causes.first(failure,
				(cause) -> cause instanceof RestClientException && !(cause instanceof HttpClientErrorException)) != null;
	}

}

package io.github.oauthcallback.internal.authorize;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenDecoderFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;

/**
 * Keeps one ID-token decoder per registration, so the provider's JWK set is fetched once and cached by the decoder
 * instead of on every login. Spring's {@link OidcIdTokenDecoderFactory} no longer caches.
 */
public final class CachingIdTokenDecoderFactory implements JwtDecoderFactory<ClientRegistration> {

	private final JwtDecoderFactory<ClientRegistration> delegate;

	private final Map<String, JwtDecoder> decoders = new ConcurrentHashMap<>();

	/**
	 * Caches decoders made by Spring's {@link OidcIdTokenDecoderFactory}.
	 */
	public CachingIdTokenDecoderFactory() {
		this(new OidcIdTokenDecoderFactory());
	}

	/**
	 * @param delegate the factory that makes decoders
	 */
	public CachingIdTokenDecoderFactory(JwtDecoderFactory<ClientRegistration> delegate) {
		this.delegate = delegate;
	}

	@Override
	public JwtDecoder createDecoder(ClientRegistration registration) {
		return this.decoders.computeIfAbsent(registration.getRegistrationId(),
				(id) -> this.delegate.createDecoder(registration));
	}

}

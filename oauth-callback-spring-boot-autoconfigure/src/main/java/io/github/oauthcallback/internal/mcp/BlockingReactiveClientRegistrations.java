package io.github.oauthcallback.internal.mcp;

import java.util.function.Supplier;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;

/**
 * The starter's {@link ClientRegistrationRepository} seen as a {@link ReactiveClientRegistrationRepository}, so that
 * with Reactor on the classpath (the MCP Java SDK brings it) Spring Boot does not map the
 * {@code spring.security.oauth2.client} registrations a second time: its reactive mapping refuses the pre-registered
 * client of an MCP server, which has no provider (the server's authorization server is discovered). Lookups are
 * in memory and never block.
 */
public final class BlockingReactiveClientRegistrations implements ReactiveClientRegistrationRepository {

	private final Supplier<ClientRegistrationRepository> registrations;

	/**
	 * @param registrations the starter's registrations, looked up on first use
	 */
	public BlockingReactiveClientRegistrations(Supplier<ClientRegistrationRepository> registrations) {
		this.registrations = registrations;
	}

	@Override
	public Mono<ClientRegistration> findByRegistrationId(String registrationId) {
		return Mono.fromSupplier(() -> this.registrations.get().findByRegistrationId(registrationId));
	}

}

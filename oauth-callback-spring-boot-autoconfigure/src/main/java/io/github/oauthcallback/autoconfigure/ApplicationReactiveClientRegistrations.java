package io.github.oauthcallback.autoconfigure;

import java.util.Iterator;
import java.util.function.Supplier;

import io.github.oauthcallback.internal.Registrations;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;

/**
 * The application's {@link ClientRegistrationRepository} seen as a {@link ReactiveClientRegistrationRepository}, in
 * place of the one Spring Boot would map a second time from the properties (see
 * {@link OAuthCallbackMcpRegistrationsAutoConfiguration}). Iterable like Spring Boot's in-memory reactive repository
 * (over what the application's repository lists). Lookups are in memory and never block.
 */
final class ApplicationReactiveClientRegistrations
		implements ReactiveClientRegistrationRepository, Iterable<ClientRegistration> {

	private final Supplier<ClientRegistrationRepository> registrations;

	/**
	 * @param registrations the application's registrations, looked up on first use
	 */
	ApplicationReactiveClientRegistrations(Supplier<ClientRegistrationRepository> registrations) {
		this.registrations = registrations;
	}

	@Override
	public Mono<ClientRegistration> findByRegistrationId(String registrationId) {
		return Mono.fromSupplier(() -> this.registrations.get().findByRegistrationId(registrationId));
	}

	@Override
	public Iterator<ClientRegistration> iterator() {
		return Registrations.all(this.registrations.get()).iterator();
	}

}

package io.github.oauthcallback.internal;

import java.util.ArrayList;
import java.util.List;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * Lists the registrations of a {@link ClientRegistrationRepository}, which Spring Security's interface cannot do;
 * Boot's in-memory repository is {@link Iterable}.
 */
public final class Registrations {

	private Registrations() {
	}

	/**
	 * @param repository the repository
	 * @return its registrations, or none if it cannot be enumerated
	 */
	public static List<ClientRegistration> all(ClientRegistrationRepository repository) {
		List<ClientRegistration> all = new ArrayList<>();
		if (repository instanceof Iterable<?> iterable) {
			for (Object registration : iterable) {
				if (registration instanceof ClientRegistration clientRegistration) {
					all.add(clientRegistration);
				}
			}
		}
		return all;
	}

	/**
	 * @param repository the repository
	 * @return the ids of its registrations
	 */
	public static List<String> ids(ClientRegistrationRepository repository) {
		return all(repository).stream().map(ClientRegistration::getRegistrationId).toList();
	}

}

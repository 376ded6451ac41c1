package io.github.oauthcallback.internal.refresh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.event.OAuth2AuthorizedClientRefreshedEvent;

/**
 * Holds back the {@link OAuth2AuthorizedClientRefreshedEvent} that Spring Security's
 * {@code RefreshTokenOAuth2AuthorizedClientProvider} publishes before the refreshed login is saved, and publishes it
 * once {@link io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager} has saved the login and released the login's lock, carrying the
 * login as saved (with its ID token). So listeners that read the store see the new tokens, and may call the manager.
 * An event for a login whose save failed is dropped; events for logins the manager is not authorizing pass straight
 * through.
 * <p>
 * Give {@link #publisher()} to the refresh-token provider and this object to the manager. Events are matched to the
 * manager's work by registration and account, which the manager's per-login lock keeps to one at a time in this JVM.
 */
public final class RefreshEventsAfterSave {

	private final ApplicationEventPublisher publisher;

	/** The events held back per login (registration and account) while the manager works on it. */
	private final Map<String, List<HeldEvent>> held = new ConcurrentHashMap<>();

	/**
	 * @param publisher the application's publisher, which finally gets the events
	 */
	public RefreshEventsAfterSave(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	/**
	 * @return the publisher to give to the refresh-token provider
	 */
	public ApplicationEventPublisher publisher() {
		return (event) -> {
			List<HeldEvent> events = (event instanceof OAuth2AuthorizedClientRefreshedEvent refreshed)
					? this.held.get(key(refreshed.getAuthorizedClient())) : null;
			if (events != null) {
				events.add(new HeldEvent((OAuth2AuthorizedClientRefreshedEvent) event));
			}
			else {
				this.publisher.publishEvent(event);
			}
		};
	}

	/**
	 * Runs the action, holding back the refresh events of the login. Called under the login's lock; the returned
	 * {@link Held#publish()} is called once it is released.
	 */
	public <T extends @Nullable Object> Held<T> holding(String registrationId, String account, Supplier<T> action) {
		String key = key(registrationId, account);
		List<HeldEvent> events = new ArrayList<>();
		if (this.held.putIfAbsent(key, events) != null) {
			// A nested call of the same thread: the outer call publishes.
			return new Held<>(action.get(), List.of());
		}
		try {
			return new Held<>(action.get(), events);
		}
		finally {
			this.held.remove(key);
		}
	}

	/**
	 * Records that a login was saved: the events held back for it carry this login.
	 */
	void saved(OAuth2AuthorizedClient client) {
		List<HeldEvent> events = this.held.get(key(client));
		if (events != null) {
			events.forEach((event) -> event.saved(client));
		}
	}

	private static String key(OAuth2AuthorizedClient client) {
		return key(client.getClientRegistration().getRegistrationId(), client.getPrincipalName());
	}

	private static String key(String registrationId, String account) {
		return registrationId + "\n" + account;
	}

	/** What an action returned, and the refresh events it held back. */
	public final class Held<T extends @Nullable Object> {

		private final T value;

		private final List<HeldEvent> events;

		private Held(T value, List<HeldEvent> events) {
			this.value = value;
			this.events = events;
		}

		/** Publishes the events of saved logins and returns the action's value. */
		public T publish() {
			this.events.forEach((event) -> event.publish(RefreshEventsAfterSave.this.publisher));
			return this.value;
		}

	}

	/** A refresh event held back until its login is saved. */
	private static final class HeldEvent {

		private final OAuth2AuthorizedClientRefreshedEvent event;

		private @Nullable OAuth2AuthorizedClient saved;

		HeldEvent(OAuth2AuthorizedClientRefreshedEvent event) {
			this.event = event;
		}

		void saved(OAuth2AuthorizedClient client) {
			if (this.saved == null) {
				this.saved = client;
			}
		}

		public void publish(ApplicationEventPublisher publisher) {
			if (this.saved != null) {
				publisher.publishEvent(new OAuth2AuthorizedClientRefreshedEvent(this.event.getAccessTokenResponse(),
						this.saved));
			}
		}

	}

}

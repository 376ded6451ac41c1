package io.github.oauthcallback.support.mcp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * Registered clients in memory, which (unlike Spring's in-memory repository) can forget a client, and which tells
 * the pre-registered clients from the ones the registration endpoint saved.
 */
final class ForgettingClientRepository implements RegisteredClientRepository {

	private final Map<String, RegisteredClient> byId = new ConcurrentHashMap<>();

	private final Map<String, RegisteredClient> byClientId = new ConcurrentHashMap<>();

	private final List<String> dynamicallyRegistered = new CopyOnWriteArrayList<>();

	private volatile boolean preRegistering = true;

	/** Saves the pre-registered clients; every later save is a dynamic registration. */
	void preRegister(RegisteredClient... clients) {
		for (RegisteredClient client : clients) {
			save(client);
		}
		this.preRegistering = false;
	}

	@Override
	public void save(RegisteredClient client) {
		RegisteredClient previous = this.byId.put(client.getId(), client);
		if (previous != null) {
			this.byClientId.remove(previous.getClientId());
		}
		else if (!this.preRegistering) {
			this.dynamicallyRegistered.add(client.getClientId());
		}
		this.byClientId.put(client.getClientId(), client);
	}

	@Override
	public @Nullable RegisteredClient findById(String id) {
		return this.byId.get(id);
	}

	@Override
	public @Nullable RegisteredClient findByClientId(String clientId) {
		return this.byClientId.get(clientId);
	}

	boolean remove(String clientId) {
		RegisteredClient client = this.byClientId.remove(clientId);
		if (client == null) {
			return false;
		}
		this.byId.remove(client.getId());
		return true;
	}

	List<String> dynamicallyRegistered() {
		return List.copyOf(this.dynamicallyRegistered);
	}

}

package io.github.oauthcallback.internal.mcp.registration;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Registered clients kept in this process only, as the memory token store keeps tokens: every run registers again.
 */
public final class InMemoryRegisteredClients implements RegisteredClients {

	private final Map<String, McpClient> clients = new ConcurrentHashMap<>();

	@Override
	public Optional<McpClient> find(String registrationId) {
		return Optional.ofNullable(this.clients.get(registrationId));
	}

	@Override
	public void save(String registrationId, McpClient client) {
		this.clients.put(registrationId, client);
	}

	@Override
	public McpClient saveUnlessChanged(String registrationId, @Nullable McpClient replaced, McpClient client) {
		return this.clients.compute(registrationId,
				(id, current) -> (current == null || current.equals(replaced)) ? client : current);
	}

	@Override
	public void remove(String registrationId) {
		this.clients.remove(registrationId);
	}

	@Override
	public String location() {
		return "memory";
	}

	@Override
	public String toString() {
		return "InMemoryRegisteredClients[" + this.clients.keySet() + "]";
	}

}

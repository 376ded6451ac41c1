package io.github.oauthcallback.internal.mcp.registration;

import java.util.Optional;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Where the clients registered dynamically for MCP servers are kept, next to the tokens: one per registration id (the
 * id of the MCP server's client registration). Implementations: {@link InMemoryRegisteredClients},
 * {@link FileRegisteredClients}, {@link JdbcRegisteredClients}. A client secret is kept encrypted where the token store
 * encrypts tokens, and never appears in a message or log.
 */
public interface RegisteredClients {

	/**
	 * @param registrationId the MCP server's registration id
	 * @return the client stored for it, if one is stored and can be used (one that cannot, such as one not encrypted
	 * although a key is configured, is absent: a new registration replaces it)
	 * @throws io.github.oauthcallback.TokenStoreException if the storage cannot be read
	 */
	Optional<McpClient> find(String registrationId);

	/**
	 * Stores a client, replacing the one stored for the registration id.
	 * @param registrationId the MCP server's registration id
	 * @param client the client
	 * @throws io.github.oauthcallback.TokenStoreException if the storage cannot be written (nothing is changed)
	 */
	void save(String registrationId, McpClient client);

	/**
	 * Stores a newly registered client unless another process changed what is stored for the registration id since
	 * {@code replaced} was read (a compare-and-set), so that of two processes registering at once one registration is
	 * kept and both use it. The default implementation, for storage only this process uses, always stores.
	 * @param registrationId the MCP server's registration id
	 * @param replaced the usable client read before registering ({@link #find}), or {@code null} if none was
	 * @param client the newly registered client
	 * @return the client now stored: {@code client}, or the one another process stored first (to be used instead)
	 * @throws io.github.oauthcallback.TokenStoreException if the storage cannot be read or written
	 */
	default McpClient saveUnlessChanged(String registrationId, @Nullable McpClient replaced, McpClient client) {
		save(registrationId, client);
		return client;
	}

	/**
	 * Runs "find the stored client, else register and save" for one registration id exclusively among the processes
	 * that share the storage, where the storage can lock across processes (the file); elsewhere the action just runs
	 * and {@link #saveUnlessChanged} settles a race.
	 * @param <T> the action's result
	 * @param registrationId the MCP server's registration id
	 * @param action the work
	 * @return the action's result
	 * @throws io.github.oauthcallback.TokenStoreException if the lock cannot be had
	 */
	default <T> T exclusively(String registrationId, Supplier<T> action) {
		return action.get();
	}

	/**
	 * Removes the client stored for a registration id, if any.
	 * @param registrationId the MCP server's registration id
	 * @throws io.github.oauthcallback.TokenStoreException if the storage cannot be written
	 */
	void remove(String registrationId);

	/**
	 * @return where the clients are kept (a file path, a table and database), for messages
	 */
	String location();

}

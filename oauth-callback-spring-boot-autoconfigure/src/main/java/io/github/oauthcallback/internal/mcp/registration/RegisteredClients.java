package io.github.oauthcallback.internal.mcp.registration;

import java.util.Optional;

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

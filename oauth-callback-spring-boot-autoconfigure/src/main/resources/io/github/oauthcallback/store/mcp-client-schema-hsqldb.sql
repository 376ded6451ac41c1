-- The table of the clients registered dynamically for MCP servers (RFC 7591), next to the token table: one row per
-- MCP server registration id. With an encryption key the whole client is sealed in the sealed column and
-- client_secret is empty; without one the secret is stored as plaintext, like the tokens.
-- For another table name, replace oauth_callback_mcp_client. See docs/storage.md.
CREATE TABLE IF NOT EXISTS oauth_callback_mcp_client (
  registration_id varchar(200) NOT NULL,
  issuer varchar(1000) NOT NULL,
  client_id varchar(1000) NOT NULL,
  client_authentication_method varchar(100) NOT NULL,
  source varchar(50) NOT NULL,
  client_secret varchar(2000) DEFAULT NULL,
  client_secret_expires_at bigint DEFAULT NULL,
  sealed varchar(4000) DEFAULT NULL,
  created_at timestamp DEFAULT CURRENT_TIMESTAMP NOT NULL,
  PRIMARY KEY (registration_id)
);

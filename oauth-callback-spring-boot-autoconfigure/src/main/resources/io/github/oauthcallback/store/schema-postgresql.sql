-- The JDBC token store's table: Spring Security's oauth2_authorized_client schema (its JdbcOAuth2AuthorizedClientService
-- reads and writes these rows too) plus the starter's nullable columns id_token_value, issuer, client_id and token_uri.
-- For another table name, replace oauth2_authorized_client (oauth-callback.store.jdbc.table-name). See docs/storage.md.
CREATE TABLE IF NOT EXISTS oauth2_authorized_client (
  client_registration_id varchar(100) NOT NULL,
  principal_name varchar(200) NOT NULL,
  access_token_type varchar(100) NOT NULL,
  access_token_value bytea NOT NULL,
  access_token_issued_at timestamp NOT NULL,
  access_token_expires_at timestamp NOT NULL,
  access_token_scopes varchar(1000) DEFAULT NULL,
  refresh_token_value bytea DEFAULT NULL,
  refresh_token_issued_at timestamp DEFAULT NULL,
  created_at timestamp DEFAULT CURRENT_TIMESTAMP NOT NULL,
  id_token_value bytea DEFAULT NULL,
  issuer varchar(1000) DEFAULT NULL,
  client_id varchar(255) DEFAULT NULL,
  token_uri varchar(1000) DEFAULT NULL,
  PRIMARY KEY (client_registration_id, principal_name)
);

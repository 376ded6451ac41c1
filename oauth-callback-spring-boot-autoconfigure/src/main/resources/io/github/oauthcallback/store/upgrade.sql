-- Adds the starter's columns to an existing oauth2_authorized_client table (made with Spring Security's schema or by an
-- earlier version of the starter). Rows already there stay readable. For another table name, replace
-- oauth2_authorized_client (oauth-callback.store.jdbc.table-name). See docs/storage.md.
ALTER TABLE oauth2_authorized_client ADD id_token_value blob;
ALTER TABLE oauth2_authorized_client ADD issuer varchar(1000);
ALTER TABLE oauth2_authorized_client ADD client_id varchar(255);
ALTER TABLE oauth2_authorized_client ADD token_uri varchar(1000);

package io.github.oauthcallback.store;

/**
 * When the JDBC token store creates its table, following Spring Boot's convention for schema initialization.
 */
public enum SchemaInitialization {

	/** Only for embedded databases (H2, HSQLDB, Derby). */
	EMBEDDED,

	/** Always, if the table does not exist. */
	ALWAYS,

	/** Never: the table is created by the user or a migration tool. */
	NEVER

}

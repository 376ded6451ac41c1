package io.github.oauthcallback.internal.mcp.registration;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Reflection for the records Jackson reads and writes for the registered MCP clients: the file's document (with its
 * entries) and the sealed client document. Registered in {@code META-INF/spring/aot.factories}; in this package
 * because the records are package-private.
 */
final class RegisteredClientsRuntimeHints implements RuntimeHintsRegistrar {

	/** The records of the file of registered clients and of a sealed client. */
	static final Class<?>[] JSON_DOCUMENTS = { FileRegisteredClients.Document.class, StoredClient.class };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), JSON_DOCUMENTS);
	}

}

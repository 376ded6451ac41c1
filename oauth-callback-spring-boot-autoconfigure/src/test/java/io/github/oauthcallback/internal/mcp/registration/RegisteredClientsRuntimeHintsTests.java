package io.github.oauthcallback.internal.mcp.registration;

import java.util.Set;

import io.github.oauthcallback.support.AotHintChecks;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.beans.factory.aot.AotServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RegisteredClientsRuntimeHints}, found through {@code META-INF/spring/aot.factories}: the records of the file
 * of registered MCP clients (document, entries) and of a sealed client can be constructed and read by Jackson in a
 * native image.
 */
class RegisteredClientsRuntimeHintsTests {

	@Test
	void registeredInAotFactories() {
		assertThat(AotServices.factories(getClass().getClassLoader()).load(RuntimeHintsRegistrar.class))
			.anyMatch(RegisteredClientsRuntimeHints.class::isInstance);
	}

	@Test
	void storedClientRecordsCanBeConstructedAndRead() {
		RuntimeHints hints = new RuntimeHints();
		AotServices.factories(getClass().getClassLoader())
			.load(RuntimeHintsRegistrar.class)
			.stream()
			.filter(RegisteredClientsRuntimeHints.class::isInstance)
			.forEach((registrar) -> registrar.registerHints(hints, getClass().getClassLoader()));
		Set<Class<?>> records = AotHintChecks.records(FileRegisteredClients.Document.class,
				StoredClient.class);
		assertThat(records).contains(FileRegisteredClients.Entry.class, StoredClient.class);
		records.forEach((type) -> AotHintChecks.assertJacksonCanUse(hints, type));
	}

}

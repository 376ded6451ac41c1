package io.github.oauthcallback.support;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks of runtime hints for the records Jackson reads and writes, derived from the records themselves.
 */
public final class AotHintChecks {

	private AotHintChecks() {
	}

	/**
	 * What Jackson needs of a record: its canonical constructor and each component's accessor.
	 */
	public static void assertJacksonCanUse(RuntimeHints hints, Class<?> record) {
		assertThat(record.isRecord()).as(record.getName()).isTrue();
		RecordComponent[] components = record.getRecordComponents();
		for (int i = 0; i < components.length; i++) {
			assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(components[i].getAccessor()))
				.as(record.getName() + "." + components[i].getName() + "()")
				.accepts(hints);
		}
		assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(canonicalConstructor(record)))
			.as("canonical constructor of " + record.getName())
			.accepts(hints);
	}

	public static Constructor<?> canonicalConstructor(Class<?> record) {
		RecordComponent[] components = record.getRecordComponents();
		Class<?>[] parameterTypes = new Class<?>[components.length];
		for (int i = 0; i < components.length; i++) {
			parameterTypes[i] = components[i].getType();
		}
		try {
			return record.getDeclaredConstructor(parameterTypes);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * @param roots records
	 * @return them and the starter's records their components hold, directly or as type arguments (List of entries)
	 */
	public static Set<Class<?>> records(Class<?>... roots) {
		Set<Class<?>> found = new LinkedHashSet<>();
		for (Class<?> root : roots) {
			collect(root, found);
		}
		return found;
	}

	private static void collect(Type type, Set<Class<?>> found) {
		if (type instanceof ParameterizedType parameterized) {
			for (Type argument : parameterized.getActualTypeArguments()) {
				collect(argument, found);
			}
		}
		else if (type instanceof Class<?> candidate && candidate.isRecord()
				&& candidate.getName().startsWith("io.github.oauthcallback.") && found.add(candidate)) {
			for (RecordComponent component : candidate.getRecordComponents()) {
				collect(component.getGenericType(), found);
			}
		}
	}

}

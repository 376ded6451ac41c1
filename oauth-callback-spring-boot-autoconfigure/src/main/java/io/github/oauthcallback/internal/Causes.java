package io.github.oauthcallback.internal;

import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Looks through an exception and its causes.
 */
public final class Causes {

	private Causes() {
	}

	/**
	 * @param <E> the type looked for
	 * @param failure an exception
	 * @param type the type looked for
	 * @return {@code failure} or the first of its causes that is a {@code type}, or {@code null}
	 */
	public static <E extends Throwable> @Nullable E find(@Nullable Throwable failure, Class<E> type) {
		Throwable found = first(failure, type::isInstance);
		return (found != null) ? type.cast(found) : null;
	}

	/**
	 * @param failure an exception
	 * @param wanted what the exception looked for satisfies
	 * @return {@code failure} or the first of its causes that satisfies {@code wanted}, or {@code null}
	 */
	public static @Nullable Throwable first(@Nullable Throwable failure, Predicate<Throwable> wanted) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (wanted.test(current)) {
				return current;
			}
		}
		return null;
	}

}

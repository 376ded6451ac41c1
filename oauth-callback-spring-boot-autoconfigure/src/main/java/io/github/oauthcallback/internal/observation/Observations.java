package io.github.oauthcallback.internal.observation;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Runs one piece of work inside one observation. The observation is started and stopped around the work, and no
 * scope is opened: nothing is kept per thread, so work handed to another thread (a login that completes on the
 * listener's thread) is observed the same way. The context is told the outcome before the observation stops, so the
 * convention's tags carry it. A failure is given to the observation as an {@link ObservedError}: the exception's
 * type and meaning, never its message (which may name an account), while the caller gets the exception itself.
 */
public final class Observations {

	private Observations() {
	}

	/**
	 * @param registry the application's registry, or {@code null} if it has none
	 * @return the registry, or {@link ObservationRegistry#NOOP}
	 */
	public static ObservationRegistry registry(@Nullable ObservationRegistry registry) {
		return (registry != null) ? registry : ObservationRegistry.NOOP;
	}

	/**
	 * Runs work that ends when this method returns.
	 * @param <C> the context type
	 * @param <T> the result type
	 * @param documentation which observation
	 * @param convention its default convention (a global convention of the registry for the context wins)
	 * @param context the context
	 * @param registry the registry
	 * @param classifier what a failure means
	 * @param work the work
	 * @return the work's result
	 */
	public static <C extends OAuthCallbackObservationContext, T extends @Nullable Object> T observe(
			OAuthCallbackObservationDocumentation documentation, ObservationConvention<C> convention, C context,
			ObservationRegistry registry, Function<Throwable, Failure> classifier, Supplier<T> work) {
		Observation observation = documentation.observation(null, convention, () -> context, registry).start();
		try {
			T result = work.get();
			context.succeeded();
			return result;
		}
		catch (RuntimeException | Error ex) {
			failed(observation, context, classifier, ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	/**
	 * Runs work that ends when the future it returns completes (the future returned is that one, so cancelling it
	 * still reaches the work).
	 * @param <C> the context type
	 * @param <T> the result type
	 * @param documentation which observation
	 * @param convention its default convention (a global convention of the registry for the context wins)
	 * @param context the context
	 * @param registry the registry
	 * @param classifier what a failure means (given the future's failure as it is, a
	 * {@link java.util.concurrent.CancellationException} for a cancelled one)
	 * @param work starts the work
	 * @return the work's future
	 */
	public static <C extends OAuthCallbackObservationContext, T> CompletableFuture<T> observeAsync(
			OAuthCallbackObservationDocumentation documentation, ObservationConvention<C> convention, C context,
			ObservationRegistry registry, Function<Throwable, Failure> classifier,
			Supplier<CompletableFuture<T>> work) {
		Observation observation = documentation.observation(null, convention, () -> context, registry).start();
		CompletableFuture<T> future;
		try {
			future = work.get();
		}
		catch (RuntimeException | Error ex) {
			failed(observation, context, classifier, ex);
			observation.stop();
			throw ex;
		}
		future.whenComplete((result, failure) -> {
			if (failure != null) {
				failed(observation, context, classifier, failure);
			}
			else {
				context.succeeded();
			}
			observation.stop();
		});
		return future;
	}

	private static void failed(Observation observation, OAuthCallbackObservationContext context,
			Function<Throwable, Failure> classifier, Throwable failure) {
		Failure meaning = classifier.apply(failure);
		context.failed(meaning);
		observation.error(ObservedError.of(failure, meaning));
	}

}

package io.github.oauthcallback.internal.observation;

import org.jspecify.annotations.Nullable;

/**
 * One operation on the token store ({@code oauth.callback.store}).
 */
public final class StoreObservationContext extends OAuthCallbackObservationContext {

	private final String storeType;

	private final StoreOperation operation;

	/**
	 * @param registrationId the registration id, or {@code null} for operations on every login
	 * @param storeType {@code file}, {@code jdbc}, {@code memory}, {@code application} or {@code custom}
	 * @param operation the operation
	 */
	public StoreObservationContext(@Nullable String registrationId, String storeType, StoreOperation operation) {
		super(registrationId);
		this.storeType = storeType;
		this.operation = operation;
	}

	/**
	 * @return the store type
	 */
	public String storeType() {
		return this.storeType;
	}

	/**
	 * @return the operation
	 */
	public StoreOperation operation() {
		return this.operation;
	}

	/**
	 * The operations observed.
	 */
	public enum StoreOperation {

		/** Reading one login. */
		LOAD("load"),

		/** Saving one login. */
		SAVE("save"),

		/** Removing one login. */
		REMOVE("remove"),

		/** Listing the stored logins (without tokens). */
		LIST("list"),

		/** Removing every login of the application. */
		REMOVE_ALL("remove_all");

		private final String value;

		StoreOperation(String value) {
			this.value = value;
		}

		/**
		 * @return the tag value
		 */
		public String value() {
			return this.value;
		}

	}

}

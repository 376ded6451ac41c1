package io.github.oauthcallback.internal.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of the starter, with their default conventions and key names (docs/observability.md lists them
 * with their values). Every key is low-cardinality; there are no high-cardinality keys, because the only
 * high-cardinality things the starter knows (accounts, tokens, codes, URLs with a query) must not leave it.
 */
public enum OAuthCallbackObservationDocumentation implements ObservationDocumentation {

	/** An interactive login: browser, printed URL or device grant. */
	LOGIN {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return LoginObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { Keys.REGISTRATION, Keys.GRANT, Keys.LOGIN_WAY, Keys.OUTCOME, Keys.ERROR };
		}
	},

	/** One refresh-token attempt of a stored login. */
	REFRESH {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return RefreshObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { Keys.REGISTRATION, Keys.OUTCOME, Keys.ERROR };
		}
	},

	/** One request to a token endpoint. */
	TOKEN_REQUEST {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return TokenRequestObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { Keys.REGISTRATION, Keys.GRANT, Keys.OUTCOME, Keys.ERROR };
		}
	},

	/** The revocation of one token (RFC 7009). */
	REVOCATION {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return RevocationObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { Keys.REGISTRATION, Keys.TOKEN_TYPE, Keys.OUTCOME, Keys.ERROR };
		}
	},

	/** One token store operation. */
	STORE {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return StoreObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { Keys.REGISTRATION, Keys.STORE_TYPE, Keys.OPERATION, Keys.OUTCOME };
		}
	};

	/**
	 * The low-cardinality key names.
	 */
	public enum Keys implements KeyName {

		/** The client registration id (bounded by the application's configuration); {@code none} when not one. */
		REGISTRATION {
			@Override
			public String asString() {
				return "oauth.callback.registration";
			}
		},

		/** The grant type, without the {@code urn:ietf:params:oauth:grant-type:} prefix. */
		GRANT {
			@Override
			public String asString() {
				return "oauth.callback.grant";
			}
		},

		/** How a login ran: {@code browser}, {@code print} or {@code device}. */
		LOGIN_WAY {
			@Override
			public String asString() {
				return "oauth.callback.login.way";
			}
		},

		/** How the work ended ({@link Outcome}). */
		OUTCOME {
			@Override
			public String asString() {
				return "oauth.callback.outcome";
			}
		},

		/** The OAuth error code of a failure ({@link ErrorCodes}), {@code none} without one. */
		ERROR {
			@Override
			public String asString() {
				return "oauth.callback.error";
			}
		},

		/** The type of the token revoked: {@code refresh_token} or {@code access_token}. */
		TOKEN_TYPE {
			@Override
			public String asString() {
				return "oauth.callback.token.type";
			}
		},

		/** The token store: {@code file}, {@code jdbc}, {@code memory}, {@code application} or {@code custom}. */
		STORE_TYPE {
			@Override
			public String asString() {
				return "oauth.callback.store.type";
			}
		},

		/** The store operation ({@link StoreObservationContext.StoreOperation}). */
		OPERATION {
			@Override
			public String asString() {
				return "oauth.callback.store.operation";
			}
		}

	}

}

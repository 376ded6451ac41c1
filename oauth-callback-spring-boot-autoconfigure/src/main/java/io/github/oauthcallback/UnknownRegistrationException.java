package io.github.oauthcallback;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A call named a client registration that does not exist, or named none where the registration cannot be chosen. The
 * message lists the declared registrations (where the repository can list them) and says how to declare one.
 */
public class UnknownRegistrationException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String registrationId;

	private final @Nullable List<String> declared;

	/**
	 * @param registrationId the id that was asked for
	 * @param declared the ids of the declared registrations, or {@code null} if the repository cannot list them
	 */
	public UnknownRegistrationException(String registrationId, @Nullable List<String> declared) {
		this(registrationId, declared, "There is no client registration '" + registrationId + "'" + declared(declared)
				+ ". Declare it under spring.security.oauth2.client.registration." + registrationId
				+ ".* or use one of the declared ids.");
	}

	private UnknownRegistrationException(@Nullable String registrationId, @Nullable List<String> declared,
			String message) {
		super(message);
		this.registrationId = registrationId;
		this.declared = (declared != null) ? List.copyOf(declared) : null;
	}

	/**
	 * A command that needs a registration was given none, and there is not exactly one it could take.
	 * @param declared the ids of the registrations the command could take
	 * @param command the command, for the example in the message
	 * @return the exception
	 */
	public static UnknownRegistrationException notNamed(List<String> declared, String command) {
		return new UnknownRegistrationException(null, declared, "Name the registration" + declared(declared)
				+ ", for example: " + command + " " + (declared.isEmpty() ? "github" : declared.get(0)));
	}

	private static String declared(@Nullable List<String> declared) {
		if (declared == null) {
			return "";
		}
		return " (declared: " + (declared.isEmpty() ? "none" : String.join(", ", declared)) + ")";
	}

	/**
	 * @return the id that was asked for, or {@code null} if none was named
	 */
	public @Nullable String getRegistrationId() {
		return this.registrationId;
	}

	/**
	 * @return the ids of the declared registrations, or {@code null} if the repository cannot list them
	 */
	public @Nullable List<String> getDeclared() {
		return this.declared;
	}

}

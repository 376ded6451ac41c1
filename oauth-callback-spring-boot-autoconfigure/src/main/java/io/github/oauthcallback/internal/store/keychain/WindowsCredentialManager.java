package io.github.oauthcallback.internal.store.keychain;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import io.github.oauthcallback.internal.store.keychain.KeychainException.Problem;
import org.jspecify.annotations.Nullable;

/**
 * The Windows Credential Manager: a generic credential named {@code <service>:<account>} in the user's vault (per user,
 * protected by DPAPI, kept with the local machine's logon), read and written through Windows PowerShell calling
 * {@code CredReadW}/{@code CredWriteW}. The script is given with {@code -EncodedCommand}; it is constant and holds
 * neither the secret nor the credential's name, which it reads from variables of its environment
 * ({@code $env:OAUTH_CALLBACK_CREDENTIAL_TARGET}, {@code $env:OAUTH_CALLBACK_CREDENTIAL_USER}) so no service or account
 * can change what it runs (PowerShell also ends a quoted string at the Unicode quotes U+2018 to U+201B); the key
 * goes to it on its standard input and comes back on its standard output. Not run on Windows by this project's build:
 * tested against a stand-in of {@code powershell.exe}.
 */
public final class WindowsCredentialManager extends ToolCredentialStore {

	/** The script's exit code when no such credential exists. */
	static final int NOT_FOUND = 3;

	private static final String INSTALL = "Windows PowerShell (powershell.exe) is part of Windows; check the PATH, or "
			+ "use oauth-callback.store.encryption.key-source=property with a key or key file.";

	private static final String NATIVE = """
			$ErrorActionPreference = 'Stop'
			Add-Type -TypeDefinition @'
			using System;
			using System.ComponentModel;
			using System.Runtime.InteropServices;
			using System.Text;
			public static class OAuthCallbackCredentials {
			  [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
			  private struct CREDENTIAL {
			    public int Flags; public int Type; public string TargetName; public string Comment;
			    public System.Runtime.InteropServices.ComTypes.FILETIME LastWritten;
			    public int CredentialBlobSize; public IntPtr CredentialBlob; public int Persist;
			    public int AttributeCount; public IntPtr Attributes; public string TargetAlias; public string UserName;
			  }
			  [DllImport("advapi32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
			  private static extern bool CredReadW(string target, int type, int flags, out IntPtr credential);
			  [DllImport("advapi32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
			  private static extern bool CredWriteW(ref CREDENTIAL credential, int flags);
			  [DllImport("advapi32.dll")]
			  private static extern void CredFree(IntPtr buffer);
			  public static string Read(string target) {
			    IntPtr found;
			    if (!CredReadW(target, 1, 0, out found)) {
			      int error = Marshal.GetLastWin32Error();
			      if (error == 1168) { return null; }
			      throw new Win32Exception(error);
			    }
			    try {
			      CREDENTIAL credential = (CREDENTIAL) Marshal.PtrToStructure(found, typeof(CREDENTIAL));
			      return Marshal.PtrToStringUni(credential.CredentialBlob, credential.CredentialBlobSize / 2);
			    }
			    finally { CredFree(found); }
			  }
			  public static void Write(string target, string user, string secret) {
			    byte[] blob = Encoding.Unicode.GetBytes(secret);
			    CREDENTIAL credential = new CREDENTIAL();
			    credential.Type = 1; credential.TargetName = target; credential.UserName = user; credential.Persist = 2;
			    credential.CredentialBlobSize = blob.Length;
			    credential.CredentialBlob = Marshal.AllocHGlobal(blob.Length);
			    try {
			      Marshal.Copy(blob, 0, credential.CredentialBlob, blob.Length);
			      if (!CredWriteW(ref credential, 0)) { throw new Win32Exception(Marshal.GetLastWin32Error()); }
			    }
			    finally { Marshal.FreeHGlobal(credential.CredentialBlob); }
			  }
			}
			'@
			""";

	/** The variable of the credential's name. */
	static final String TARGET_VARIABLE = "OAUTH_CALLBACK_CREDENTIAL_TARGET";

	/** The variable of the credential's user name. */
	static final String USER_VARIABLE = "OAUTH_CALLBACK_CREDENTIAL_USER";

	private static final String READ = NATIVE + "$found = [OAuthCallbackCredentials]::Read($env:" + TARGET_VARIABLE
			+ ")\nif ($null -eq $found) { exit " + NOT_FOUND + " }\n[Console]::Out.Write($found)\n";

	private static final String WRITE = NATIVE + "$secret = [Console]::In.ReadToEnd().Trim()\n"
			+ "[OAuthCallbackCredentials]::Write($env:" + TARGET_VARIABLE + ", $env:" + USER_VARIABLE + ", $secret)\n";

	private final ToolProcess tool;

	/**
	 * @param program the PowerShell program (a name looked up on the PATH, or a path)
	 * @param service the first part of the credential's name
	 * @param account the second part of the credential's name, and its user name
	 * @param tool how the program is run
	 */
	WindowsCredentialManager(String program, String service, String account, ToolProcess tool) {
		super(program, service, account);
		this.tool = tool.withVariables(java.util.Map.of(TARGET_VARIABLE, target(), USER_VARIABLE, this.account));
	}

	@Override
	public String describe() {
		return "Windows Credential Manager, credential '" + target() + "'";
	}

	private String target() {
		return this.service + ":" + this.account;
	}

	@Override
	public @Nullable String read() {
		ToolProcess.Result read = run(READ, null);
		if (read.exitCode() == 0) {
			return read.stdout();
		}
		if (read.exitCode() == NOT_FOUND) {
			return null;
		}
		throw failure("read", read);
	}

	@Override
	public void create(String secret) {
		ToolProcess.Result written = run(WRITE, secret);
		if (written.exitCode() != 0) {
			throw failure("store", written);
		}
	}

	/**
	 * @param script the script, constant: it holds no secret and no name
	 * @param input the key to store, or {@code null}
	 */
	private ToolProcess.Result run(String script, @Nullable String input) {
		String encoded = Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_16LE));
		return this.tool.run(List.of(this.program, "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
				"-EncodedCommand", encoded), input, describe(), INSTALL);
	}

	private KeychainException failure(String operation, ToolProcess.Result result) {
		String said = result.stderr().toLowerCase(Locale.ROOT);
		if (said.contains("logon session")) {
			return new KeychainException(Problem.UNAVAILABLE, "The Windows Credential Manager is not available for "
					+ "the token encryption key (" + describe() + "): PowerShell said "
					+ ToolProcess.said(result.stderr()) + ". It needs an interactive logon session of the user (not "
					+ "a service account without a profile); otherwise use oauth-callback.store.encryption.key-source="
					+ "property with a key or key file. Nothing was stored or changed.", null);
		}
		return new KeychainException(Problem.REFUSED, "The Windows Credential Manager refused to " + operation
				+ " the token encryption key (" + describe() + "): PowerShell exited with " + result.exitCode()
				+ " and " + ToolProcess.said(result.stderr()) + ". Check the credential (Control Panel, Credential "
				+ "Manager, Windows Credentials) and try again. Nothing was stored or changed.", null);
	}

}

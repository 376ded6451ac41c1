package io.github.oauthcallback.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * A WireMock token endpoint ({@code POST /token}) that gives one answer per request, in order, the last one for
 * every request after it.
 */
public final class TokenEndpointAnswers {

	private TokenEndpointAnswers() {
	}

	/**
	 * @param server the WireMock server
	 * @param answers the answers, in order
	 */
	public static void inOrder(WireMockServer server, ResponseDefinitionBuilder... answers) {
		String scenario = "token endpoint answers";
		for (int i = 0; i < answers.length; i++) {
			String state = (i == 0) ? Scenario.STARTED : "answer " + i;
			var stub = post(urlEqualTo("/token")).inScenario(scenario).whenScenarioStateIs(state).willReturn(answers[i]);
			server.stubFor((i + 1 < answers.length) ? stub.willSetStateTo("answer " + (i + 1)) : stub);
		}
	}

	/** @return a 400 answer with the OAuth error {@code invalid_grant} */
	public static ResponseDefinitionBuilder invalidGrant() {
		return aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\"}");
	}

}

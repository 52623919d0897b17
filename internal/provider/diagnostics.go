package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

// errorDetail explains a failed call to Zendesk for a diagnostic: the
// request, Zendesk's status, error, description and every detail, and what
// the user can do about it.
func errorDetail(err error) string {
	if errors.Is(err, context.Canceled) {
		return err.Error() + "\n\nThe operation was interrupted before it completed."
	}
	var answerErr *zendesk.AnswerError
	if errors.As(err, &answerErr) {
		return err.Error() + "\n\nThe answer does not show what the request asked for, so the provider does not record it: the next " +
			"refresh reads the identity from Zendesk. Zendesk's API answers with what it wrote: check that url or subdomain points at " +
			"the account itself, not a proxy."
	}
	var waited *zendesk.RateLimitWaitError
	if errors.As(err, &waited) {
		detail := err.Error()
		if waited.Answer != nil {
			detail = describeAPIError(waited.Answer)
		}
		return detail + fmt.Sprintf("\n\nThe request was not sent again: this run's requests had waited %s in all for the "+
			"account's rate limit, the most that max_rate_limit_wait allows (%s). Other integrations share the limit. Run again "+
			"when they spend less of it, or raise max_rate_limit_wait; a run that stops here leaves nothing behind that Terraform "+
			"does not know of.", waited.Waited.Round(time.Second), waited.Limit)
	}
	var apiErr *zendesk.APIError
	if !errors.As(err, &apiErr) {
		if zendesk.IsTokenExchange(err) {
			return err.Error() + "\n\nThe provider could not reach Zendesk to obtain an OAuth access token with oauth_client_id and " +
				"oauth_client_secret. Check the network and the account URL."
		}
		var reqErr *zendesk.RequestError
		if errors.As(err, &reqErr) {
			return err.Error() + "\n\nZendesk could not be reached, or the connection dropped. Check the network and the account URL; " +
				"reads, updates and deletes were retried up to max_retries times."
		}
		return err.Error()
	}
	detail := describeAPIError(apiErr)
	if hint := statusHint(apiErr); hint != "" {
		detail += "\n\n" + hint
	}
	return detail
}

// describeAPIError shows what Zendesk answered: the request, the status,
// Zendesk's error, description and every detail.
func describeAPIError(apiErr *zendesk.APIError) string {
	var b strings.Builder
	if isWebPage(apiErr) {
		// Zendesk's API answers in JSON: a web page comes from whatever
		// else stands at the URL.
		fmt.Fprintf(&b, "%s %s was answered with HTTP %d %s and a web page (%s), not by Zendesk's API", apiErr.Method, apiErr.Path,
			apiErr.StatusCode, http.StatusText(apiErr.StatusCode), apiErr.ContentType)
	} else {
		fmt.Fprintf(&b, "Zendesk answered %s %s with HTTP %d %s", apiErr.Method, apiErr.Path, apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
	}
	if apiErr.Attempts > 1 {
		fmt.Fprintf(&b, " (%d attempts, the last answer shown)", apiErr.Attempts)
	}
	b.WriteString(".")
	if apiErr.Code != "" {
		fmt.Fprintf(&b, "\nError: %s", apiErr.Code)
	}
	if apiErr.Description != "" {
		fmt.Fprintf(&b, "\nDescription: %s", apiErr.Description)
	}
	if apiErr.Location != "" {
		fmt.Fprintf(&b, "\nLocation: %s", apiErr.Location)
	}
	if lines := apiErr.DetailLines(); len(lines) > 0 {
		b.WriteString("\nDetails:")
		for _, line := range lines {
			fmt.Fprintf(&b, "\n  - %s", line)
		}
	}
	if apiErr.Body != "" {
		fmt.Fprintf(&b, "\nBody: %s", apiErr.Body)
	}
	return b.String()
}

func statusHint(e *zendesk.APIError) string {
	if zendesk.IsTokenExchange(e) {
		return tokenExchangeHint(e)
	}
	switch {
	case e.RetryAfter > zendesk.MaxRetryAfter:
		return fmt.Sprintf("Zendesk asked to wait %s before trying again, longer than the provider waits (%s): run again later.",
			e.RetryAfter, zendesk.MaxRetryAfter)
	case e.StatusCode >= 300 && e.StatusCode < 400:
		return "The request was redirected. Zendesk's API does not redirect: a moved host or a proxy in front of the account " +
			"does. The provider never follows a redirect, so that the credentials go to the account's URL and nowhere else. Set url " +
			"(or subdomain) to the account's own address, such as https://acme.zendesk.com."
	case e.StatusCode == http.StatusNotFound && !zendesk.IsNotFound(e):
		return notFoundHint(e)
	case e.StatusCode == http.StatusUnauthorized:
		return "Zendesk did not accept the credentials. Check email and api_token, oauth_token, or oauth_client_id and oauth_client_secret " +
			"(and the ZENDESK_* environment variables that stand in for them). An OAuth access token may have expired or been revoked: " +
			"the provider renews the tokens it obtains with client credentials, but uses an oauth_token as it is."
	case e.StatusCode == http.StatusForbidden:
		return "The credentials are valid but not allowed to do this. An OAuth token needs the broad \"read write\" scope " +
			"(the identities API refuses tokens scoped users:read or users:write only): with client credentials, leave oauth_scopes " +
			"out or include \"read\" and \"write\" in it. The agent behind the credentials must also be allowed to manage users."
	case e.StatusCode == http.StatusTooManyRequests:
		return "The account's API rate limit was exceeded. Other integrations share the limit: run again later."
	case e.StatusCode >= 500:
		return "Zendesk failed to process the request. Run again later; if it persists, check https://status.zendesk.com."
	}
	return ""
}

// isWebPage reports whether an error's body is a web page rather than
// Zendesk's JSON.
func isWebPage(e *zendesk.APIError) bool {
	return e.ContentType == "text/html" || e.ContentType == "application/xhtml+xml"
}

// notFoundHint explains a 404 that is not Zendesk saying a record is gone.
func notFoundHint(e *zendesk.APIError) string {
	const kept = "Only Zendesk's own \"RecordNotFound\" answer means that an identity or user is gone, so nothing is removed " +
		"from the state because of this one."
	switch {
	case e.Code == "InvalidEndpoint":
		return "Zendesk has no such API route (InvalidEndpoint). " + kept
	case isWebPage(e) || e.Code == "":
		return "This is not Zendesk's API answering: url (or subdomain) may point at a host that serves no Zendesk account " +
			"(a mistyped subdomain, a host-mapped domain that is not, or no longer, set up) or at a proxy. Check it against the address " +
			"of the account, such as https://acme.zendesk.com. " + kept
	}
	return "This 404 is not Zendesk's \"RecordNotFound\". " + kept
}

// tokenExchangeHint explains a failed exchange of the OAuth client
// credentials for an access token.
func tokenExchangeHint(e *zendesk.APIError) string {
	const prefix = "The provider could not obtain an OAuth access token with oauth_client_id and oauth_client_secret. "
	switch {
	case e.StatusCode == http.StatusUnauthorized || e.Code == "invalid_client":
		return prefix + "Zendesk did not accept the client: check oauth_client_id (the OAuth client's unique identifier) and " +
			"oauth_client_secret (or ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET) against Admin Center, Apps and integrations, " +
			"APIs, OAuth clients. A regenerated secret replaces the old one."
	case e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusForbidden:
		return prefix + "Zendesk refused the token request: check oauth_scopes (space-free scopes such as \"read\" and \"write\") and " +
			"oauth_token_lifetime (300 to 172800 seconds), and that the OAuth client may use the client credentials grant."
	case e.RetryAfter > zendesk.MaxRetryAfter:
		return prefix + fmt.Sprintf("Zendesk asked to wait %s before trying again, longer than the provider waits (%s): run again later.",
			e.RetryAfter, zendesk.MaxRetryAfter)
	case e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500:
		return prefix + "Zendesk failed to issue it. Run again later; if it persists, check https://status.zendesk.com."
	case e.StatusCode >= 300 && e.StatusCode < 400:
		return prefix + "The token request was redirected, and the provider never follows a redirect with the client secret. " +
			"Set url (or subdomain) to the account's own address, such as https://acme.zendesk.com."
	case e.StatusCode == http.StatusNotFound:
		return prefix + "Nothing answers at /oauth/tokens of this URL: check url (or subdomain) against the account's address, such " +
			"as https://acme.zendesk.com. This 404 says nothing about identities: none is removed from the state because of it."
	}
	return prefix + "Check the OAuth client in Admin Center, Apps and integrations, APIs, OAuth clients."
}
